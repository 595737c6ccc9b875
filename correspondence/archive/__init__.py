"""Turn issued and received documents into the agency's archive: ``hoso`` opens hồ sơ from the year's danh mục, files
documents in them, closes them, prints their mục lục and lists those whose retention has ended (the danh mục tài liệu
hết giá trị; nothing is deleted); ``package`` writes the hand-over package of hồ sơ and checks one anywhere."""

"""The desk's tests: its accounts and the requests of every room, through the whole application (Starlette's
TestClient) and in a real browser (``browser.py``)."""

PASSWORD = "mat-khau-an-toan"
ACCOUNTS = {"vanthu": "van-thu", "lanhdao": "lanh-dao", "chuyenvien": "chuyen-vien"}
AGENCY = "ubnd-quang-ninh"

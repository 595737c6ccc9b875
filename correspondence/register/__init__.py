"""Turn issue requests into numbers and rows, once each: series rules, the store (SQLite or PostgreSQL), its
migrations, the import of an existing register, and the queries that find a row."""

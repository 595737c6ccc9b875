"""Turn a browser's requests into calls of ``correspondence.api``: the room for the web desk, a front end like
the CLI; nothing here yet."""

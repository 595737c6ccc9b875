"""Turn a specialist's Word file into the Decree 30 problems it holds, before it becomes a record: the room for
the Word lint; nothing here yet."""

"""Reading input: files, directories, Maildirs, mbox files, stdin."""

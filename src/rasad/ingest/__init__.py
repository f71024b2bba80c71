"""Reading inputs: JSON Lines, text files, web pages, folders."""

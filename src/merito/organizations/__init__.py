"""Organizations (the tree of public bodies) and the roles people hold in them."""

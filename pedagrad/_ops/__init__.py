"""pedagrad's operations, grouped by family; each op's forward and backward stand side by side."""

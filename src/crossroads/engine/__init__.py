"""Classification per jurisdiction, code checks and explanations, on top of the knowledge base."""

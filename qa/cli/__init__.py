"""The command line (`qa …`): one module per command group over the library."""

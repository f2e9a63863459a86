"""Pure-ASGI middleware: nothing here buffers bodies or spawns tasks."""

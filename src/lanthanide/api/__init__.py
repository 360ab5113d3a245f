"""The REST API: `create_app(settings)` builds a FastAPI app over the service layer.

Nothing happens at import time; routers parse, call one service function and serialise.
"""

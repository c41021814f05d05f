"""One router per area of the product; `web/app.py` lists them."""

"""Request and response schemas, one module per resource.

One schema per use (``SampleCreate``/``SampleUpdate``/``SamplePublic``, ``...Public`` for what a
route returns), so the OpenAPI document says exactly what each route takes and gives back.
"""

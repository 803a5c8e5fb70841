"""The OpenAPI document integrators build against is valid OpenAPI 3, and the two filing
operations describe their multipart body (not a JSON object holding a media type)."""

from __future__ import annotations

from django.test import SimpleTestCase
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema


class SchemaTests(SimpleTestCase):
    def test_the_schema_validates_and_filing_is_multipart(self) -> None:
        schema = SchemaGenerator().get_schema(request=None, public=True)
        validate_schema(schema)  # raises on an invalid document
        for path in ("/api/v1/me/requests/", "/api/v1/agency/requests/"):
            with self.subTest(path=path):
                content = schema["paths"][path]["post"]["requestBody"]["content"]
                self.assertEqual(list(content), ["multipart/form-data"])
                body = content["multipart/form-data"]["schema"]
                self.assertIn("service", body["properties"])

    def test_the_idempotency_key_says_its_length(self) -> None:
        schema = SchemaGenerator().get_schema(request=None, public=True)
        found = [
            parameter["schema"]
            for path in schema["paths"].values()
            for operation in path.values()
            if isinstance(operation, dict)
            for parameter in operation.get("parameters", [])
            if parameter.get("name") == "Idempotency-Key"
        ]
        self.assertTrue(found)
        for declared in found:
            self.assertEqual(declared, {"type": "string", "minLength": 1, "maxLength": 255})

    def test_replays_and_401s_document_the_headers_they_carry(self) -> None:
        schema = SchemaGenerator().get_schema(request=None, public=True)
        operations = [
            operation
            for path in schema["paths"].values()
            for operation in path.values()
            if isinstance(operation, dict) and "responses" in operation
        ]
        idempotent = 0
        for operation in operations:
            responses = operation["responses"]
            self.assertIn("WWW-Authenticate", responses["401"]["headers"])
            names = {p["name"] for p in operation.get("parameters", [])}
            if "Idempotency-Key" in names:
                idempotent += 1
                for code, response in responses.items():
                    if code.startswith("2"):
                        self.assertIn("Idempotent-Replayed", response["headers"], code)
        self.assertGreater(idempotent, 5)

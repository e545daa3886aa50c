"""Signatures on certificates: PAdES (pyHanko) on the PDF, enveloped XML-DSig (signxml) on
the DCC, both by the institute's signing key whose certificate chains to the institute CA.

Checking needs only the CA certificate: ``SignatureChecker`` validates a PDF with pyHanko's
validator and a DCC with signxml's verifier against the given roots, offline.
"""

from __future__ import annotations

import base64
import io
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from signxml.algorithms import SignatureConstructionMethod, SignatureMethod
from signxml.exceptions import InvalidInput, InvalidSignature
from signxml.signer import XMLSigner
from signxml.verifier import XMLVerifier

from samplehub.core.adapters.keys import SigningIdentity
from samplehub.lab.service.ports import SignatureCheck

DSIG = "http://www.w3.org/2000/09/xmldsig#"
DCC = "https://ptb.de/dcc"
FIELD = "InstituteSignature"


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


class InstituteSigner:
    """Implements ``DocumentSigner`` with the institute's signing identity (loaded on use)."""

    def __init__(self, identity: Callable[[], SigningIdentity], tsa_url: str = "") -> None:
        self._identity = identity
        self._tsa_url = tsa_url

    @property
    def signer_name(self) -> str:
        return self._identity().subject

    def sign_pdf(self, pdf: bytes, reason: str) -> bytes:
        identity = self._identity()
        key = asn1_keys.PrivateKeyInfo.load(
            identity.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        signer = signers.SimpleSigner(
            signing_cert=_asn1_cert(identity.certificate),
            signing_key=key,
            cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
                [_asn1_cert(c) for c in identity.chain]
            ),
        )
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD,
            reason=reason,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
        )
        stamper = timestamps.HTTPTimeStamper(self._tsa_url) if self._tsa_url else None
        out = signers.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer, timestamper=stamper
        )
        return bytes(out.getvalue())

    def sign_xml(self, xml: bytes) -> bytes:
        """Enveloped XML-DSig over the whole document, placed in the DCC's ``comment``."""
        identity = self._identity()
        root = etree.fromstring(xml)
        comment = root.find(f"{{{DCC}}}comment")
        if comment is None:
            comment = etree.SubElement(root, f"{{{DCC}}}comment")
        etree.SubElement(comment, f"{{{DSIG}}}Signature", Id="placeholder", nsmap={"ds": DSIG})
        signed = XMLSigner(
            method=SignatureConstructionMethod.enveloped,
            signature_algorithm=SignatureMethod.ECDSA_SHA256,
            digest_algorithm="sha256",
        ).sign(
            root,
            key=identity.key,
            cert=[_pem(identity.certificate), *(_pem(c) for c in identity.chain)],
        )
        return bytes(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))


class SignatureChecker:
    """Implements ``SignatureChecker``: offline checks against the institute CA(s)."""

    def __init__(self, roots: Callable[[], Sequence[x509.Certificate]]) -> None:
        self._roots = roots

    def check_pdf(self, pdf: bytes) -> SignatureCheck:
        try:
            reader = PdfFileReader(io.BytesIO(pdf), strict=False)
            embedded = reader.embedded_signatures
        except (PdfError, ValueError, KeyError) as exc:
            return SignatureCheck(False, f"not a readable PDF: {exc}")
        if not embedded:
            return SignatureCheck(False, "the PDF carries no signature")
        context = ValidationContext(trust_roots=[_asn1_cert(c) for c in self._roots()])
        try:
            status = validate_pdf_signature(embedded[-1], context)
        except Exception as exc:  # pyHanko raises many kinds on a damaged signature
            return SignatureCheck(False, f"signature cannot be validated: {exc}")
        signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
        if not (status.intact and status.valid):
            return SignatureCheck(False, "the document was changed after signing", signer)
        if not status.trusted:
            return SignatureCheck(False, "the signer does not chain to the institute CA", signer)
        if status.coverage is None or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
            return SignatureCheck(False, "content was added after signing", signer)
        when = status.signer_reported_dt.isoformat() if status.signer_reported_dt else None
        return SignatureCheck(True, "valid PAdES signature", signer, when, _pdf_number(reader))

    def check_xml(self, xml: bytes) -> SignatureCheck:
        try:
            root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:
            return SignatureCheck(False, f"not XML: {exc}")
        with tempfile.TemporaryDirectory() as folder:
            bundle = Path(folder) / "institute-ca.pem"
            bundle.write_text("".join(_pem(ca) for ca in self._roots()), encoding="ascii")
            try:
                result = XMLVerifier().verify(root, ca_pem_file=str(bundle))
            except (InvalidSignature, InvalidInput) as exc:
                return SignatureCheck(False, f"signature does not verify: {exc}")
        assert not isinstance(result, list)  # one reference expected
        first = result.signature_xml.find(f".//{{{DSIG}}}X509Certificate")
        signer = ""
        if first is not None and first.text:
            der = base64.b64decode("".join(first.text.split()))
            signer = x509.load_der_x509_certificate(der).subject.rfc4514_string()
        number = root.findtext(f".//{{{DCC}}}coreData/{{{DCC}}}uniqueIdentifier")
        return SignatureCheck(True, "valid XML-DSig signature", signer, None, number)


def _pdf_number(reader: PdfFileReader) -> str | None:
    """The number from the PDF's title ("检定证书 ZS2026-000017"), as the renderer writes it."""
    info = reader.trailer_view.get("/Info")
    info = info.get_object() if info is not None else None
    title = info.get("/Title") if info is not None else None
    return str(title).split()[-1] if title else None

"""PTB Digital Calibration Certificate (DCC 3.1.2) export, with D-SI 2.1.0 quantities.

Results go in as column lists (si:realListXMLList): the check points, the errors of the four
readings, hysteresis, tap displacement and MPE of a JJG 52 verification, or the reference, as
found, as left and error with U and k of a calibration. The decision is a conformity statement.
Validation needs the schema files (standards/dcc-3.1.2/); dcc.xsd imports SI_Format.xsd from
ptb.de, which a resolver maps to the local copy so nothing is fetched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from lxml import etree

from samplehub import __version__
from samplehub.lab.adapters.certificates.institute import Institute
from samplehub.lab.domain.calibration import CalibrationSheet
from samplehub.lab.domain.certificate import Actor, Certificate, CertificateKind
from samplehub.lab.domain.errors import MetrologyError
from samplehub.lab.domain.jjg52 import GaugeVerificationResult

DCC = "https://ptb.de/dcc"
SI = "https://ptb.de/si"
SI_SCHEMA_URL = "https://ptb.de/si/v2.1.0/SI_Format.xsd"
NSMAP = {"dcc": DCC, "si": SI}

D_SI_UNITS = {
    "MPa": r"\mega\pascal",
    "kPa": r"\kilo\pascal",
    "Pa": r"\pascal",
    "bar": r"\bar",
    "°C": r"\degreeCelsius",
    "℃": r"\degreeCelsius",
    "K": r"\kelvin",
    "V": r"\volt",
    "mV": r"\milli\volt",
    "A": r"\ampere",
    "mA": r"\milli\ampere",
    "Ω": r"\ohm",
    "g": r"\gram",
    "kg": r"\kilogram",
    "mg": r"\milli\gram",
    "m": r"\metre",
    "mm": r"\milli\metre",
    "%": r"\percent",
}


class DccInvalidError(MetrologyError):
    """The DCC written does not validate against dcc.xsd (a bug, reported with the first error)."""


def d_si_unit(unit: str) -> str:
    """A unit in D-SI notation; units D-SI lacks are written ``|unit`` as it prescribes."""
    return D_SI_UNITS.get(unit.strip(), "|" + unit.strip().replace(" ", "_"))


class _Resolver(etree.Resolver):  # type: ignore[misc]  # lxml has no type stubs here
    def __init__(self, si_schema: Path):
        super().__init__()
        self._si_schema = si_schema

    def resolve(self, system_url: str, public_id: str, context: object) -> object:
        if system_url == SI_SCHEMA_URL:
            return self.resolve_filename(str(self._si_schema), context)
        return None


def load_schema(schema_dir: Path) -> etree.XMLSchema:
    """dcc.xsd from ``schema_dir``, its SI_Format.xsd import served from the same folder, and
    the W3C XML-DSig schema (shipped with signxml) for the signature a signed DCC carries in
    its ``comment`` (a strict wildcard, so the signature is validated too)."""
    from importlib.resources import files

    dcc = (schema_dir / "dcc.xsd").resolve().as_uri()
    dsig = Path(str(files("signxml") / "schemas" / "xmldsig-core-schema.xsd")).resolve().as_uri()
    both = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        f'<xs:import namespace="https://ptb.de/dcc" schemaLocation="{dcc}"/>'
        f'<xs:import namespace="http://www.w3.org/2000/09/xmldsig#" schemaLocation="{dsig}"/>'
        "</xs:schema>"
    )
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_Resolver(schema_dir / "SI_Format.xsd"))
    return etree.XMLSchema(etree.fromstring(both.encode(), parser, base_url=str(schema_dir)))


class DccXmlWriter:
    """Implements ``DccWriter``; validates each document when given the schema folder."""

    def __init__(self, institute: Institute, schema_dir: Path | None = None):
        self._institute = institute
        self._schema = None if schema_dir is None else load_schema(schema_dir)

    def write(self, certificate: Certificate) -> bytes:
        root = _el("dcc", "digitalCalibrationCertificate", schemaVersion="3.1.2")
        root.append(self._administrative(certificate))
        root.append(_results(certificate))
        if self._schema is not None and not self._schema.validate(root):
            raise DccInvalidError(f"DCC {certificate.number}: {self._schema.error_log.last_error}")
        return bytes(
            etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        )

    def _administrative(self, certificate: Certificate) -> etree._Element:
        content = certificate.content
        instrument = content.instrument
        admin = _el("dcc", "administrativeData")
        software = _sub(_sub(admin, "dccSoftware"), "software")
        software.append(_text("name", [("en", "SampleHub")]))
        _sub(software, "release", __version__)
        _sub(software, "type", "application")

        core = _sub(admin, "coreData")
        _sub(core, "countryCodeISO3166_1", self._institute.country_code)
        _sub(core, "usedLangCodeISO639_1", "zh")
        _sub(core, "usedLangCodeISO639_1", "en")
        _sub(core, "mandatoryLangCodeISO639_1", "zh")
        _sub(core, "uniqueIdentifier", certificate.number)
        ids = [("calibrationLaboratory", content.sample_id, "样品编号", "Sample number")]
        if certificate.replaces:
            ids.append(("calibrationLaboratory", certificate.replaces, "替代证书", "Replaces"))
        core.append(_identifications(ids))
        _sub(core, "beginPerformanceDate", content.performed_on.isoformat())
        _sub(core, "endPerformanceDate", content.performed_on.isoformat())
        _sub(core, "performanceLocation", "laboratory")

        item = _sub(_sub(admin, "items"), "item")
        item.append(_text("name", [("zh", instrument.name)]))
        manufacturer = _sub(item, "manufacturer")
        manufacturer.append(_text("name", [("zh", instrument.manufacturer)]))
        _sub(item, "model", instrument.model)
        item.append(
            _identifications(
                [
                    ("manufacturer", instrument.serial_number, "出厂编号", "Serial number"),
                    ("calibrationLaboratory", content.sample_id, "样品编号", "Sample number"),
                ]
            )
        )

        lab = _sub(admin, "calibrationLaboratory")
        institute = self._institute
        lab.append(
            _contact(
                "contact",
                [("zh", institute.name_zh), ("en", institute.name_en)],
                institute.email,
                institute.address,
                institute.phone,
                institute.city,
            )
        )
        people = _sub(admin, "respPersons")
        for actor, role, main in _signatories(certificate):
            person = _sub(people, "respPerson")
            contact = _sub(person, "person")
            contact.append(_text("name", [("zh", actor.name)]))
            _sub(person, "role", role)
            if main:
                _sub(person, "mainSigner", "true")
        admin.append(_contact("customer", [("zh", content.customer)], "", content.customer_address))
        statement = _sub(_sub(admin, "statements"), "statement")
        _sub(statement, "norm", content.document)
        statement.append(_rich("declaration", [("zh", f"结论：{content.decision}")]))
        if content.valid_until is not None:
            _sub(statement, "valid", "true")
            _sub(statement, "date", content.valid_until.isoformat())
        conformity = _conformity(certificate)
        if conformity is not None:
            _sub(statement, "conformity", conformity)
        return admin


def _results(certificate: Certificate) -> etree._Element:
    content = certificate.content
    results = _el("dcc", "measurementResults")
    measurement = _sub(results, "measurementResult")
    calibration = certificate.kind is CertificateKind.CALIBRATION
    title = ("校准结果", "Calibration results") if calibration else ("检定结果", "Verification")
    measurement.append(_text("name", [("zh", title[0]), ("en", title[1])]))
    method = _sub(_sub(measurement, "usedMethods"), "usedMethod")
    method.append(_text("name", [("zh", content.document)]))
    _sub(method, "norm", content.document)
    if content.standards:
        equipments = _sub(measurement, "measuringEquipments")
        for standard in content.standards:
            equipment = _sub(equipments, "measuringEquipment")
            equipment.append(_text("name", [("zh", standard.name)]))
            equipment.append(
                _rich(
                    "description", [("zh", f"{standard.accuracy}，有效期至 {standard.valid_until}")]
                )
            )
            equipment.append(
                _identifications(
                    [
                        ("calibrationLaboratory", standard.identifier, "编号", "Identifier"),
                        ("other", standard.certificate_number, "证书编号", "Certificate"),
                    ]
                )
            )
    conditions = _sub(measurement, "influenceConditions")
    env = content.environment
    for zh, en, value, unit in (
        ("温度", "Temperature", env.temperature_c, r"\degreeCelsius"),
        ("相对湿度", "Relative humidity", env.humidity_pct, r"\percent"),
    ):
        condition = _sub(conditions, "influenceCondition")
        condition.append(_text("name", [("zh", zh), ("en", en)]))
        quantity = _sub(_sub(condition, "data"), "quantity")
        real = etree.SubElement(quantity, f"{{{SI}}}real")
        etree.SubElement(real, f"{{{SI}}}value").text = str(Decimal(value))
        etree.SubElement(real, f"{{{SI}}}unit").text = unit
    result_list = _sub(measurement, "results")
    if isinstance(content.results, GaugeVerificationResult):
        _gauge_results(result_list, content.results)
    else:
        _calibration_results(result_list, content.results)
    return results


def _gauge_results(parent: etree._Element, result: GaugeVerificationResult) -> None:
    unit = d_si_unit(result.spec.unit)
    points = result.points
    columns: list[tuple[str, str, list[Decimal]]] = [
        ("检定点", "Reference pressure", [p.standard for p in points]),
        ("升压轻敲前误差", "Error rising, before tap", [p.errors[0] for p in points]),
        ("升压轻敲后误差", "Error rising, after tap", [p.errors[1] for p in points]),
        ("降压轻敲前误差", "Error falling, before tap", [p.errors[2] for p in points]),
        ("降压轻敲后误差", "Error falling, after tap", [p.errors[3] for p in points]),
        ("回程误差", "Hysteresis", [p.hysteresis for p in points]),
        ("轻敲位移", "Tap displacement", [p.tap_displacement for p in points]),
        ("最大允许误差", "Maximum permissible error", [p.mpe for p in points]),
    ]
    result_el = _sub(parent, "result")
    result_el.append(_text("name", [("zh", "示值误差"), ("en", "Indication errors")]))
    data = _sub(result_el, "data")
    table = _sub(data, "list")
    for zh, en, values in columns:
        table.append(_column(zh, en, values, unit))
    zero = _sub(parent, "result")
    zero.append(_text("name", [("zh", "零位误差"), ("en", "Zero deviation")]))
    zero_list = _sub(_sub(zero, "data"), "list")
    zero_list.append(_column("零位误差", "Zero deviation", list(result.zero_deviations), unit))
    if result.failures:
        failed = _sub(parent, "result")
        failed.append(_text("name", [("zh", "不合格项目"), ("en", "Failing items")]))
        failed_data = _sub(failed, "data")
        for failure in result.failures:
            failed_data.append(
                _rich("text", [("zh", failure.describe()), ("en", failure.describe_en())])
            )


def _calibration_results(parent: etree._Element, sheet: CalibrationSheet) -> None:
    unit = d_si_unit(sheet.unit)
    points = sheet.points
    result_el = _sub(parent, "result")
    result_el.append(_text("name", [("zh", "校准结果"), ("en", "Calibration results")]))
    table = _sub(_sub(result_el, "data"), "list")
    table.append(_column("标准值", "Reference value", [p.nominal for p in points], unit))
    if all(p.as_found is not None for p in points):
        found = [p.as_found for p in points if p.as_found is not None]
        table.append(_column("校准前示值", "As found", found, unit))
    table.append(_column("校准后示值", "As left", [p.as_left for p in points], unit))
    error = _column("示值误差", "Error (as left)", [p.as_left_error for p in points], unit)
    real_list = error.find(f"{{{SI}}}realListXMLList")
    assert real_list is not None
    unc = etree.SubElement(real_list, f"{{{SI}}}expandedUncXMLList")
    etree.SubElement(unc, f"{{{SI}}}uncertaintyXMLList").text = _join(
        p.expanded_uncertainty for p in points
    )
    etree.SubElement(unc, f"{{{SI}}}coverageFactorXMLList").text = _join(
        p.coverage_factor for p in points
    )
    etree.SubElement(unc, f"{{{SI}}}coverageProbabilityXMLList").text = " ".join(
        "0.95" for _ in points
    )
    table.append(error)


def _column(zh: str, en: str, values: Sequence[Decimal], unit: str) -> etree._Element:
    quantity = _el("dcc", "quantity")
    quantity.append(_text("name", [("zh", zh), ("en", en)]))
    real_list = etree.SubElement(quantity, f"{{{SI}}}realListXMLList")
    etree.SubElement(real_list, f"{{{SI}}}valueXMLList").text = _join(values)
    etree.SubElement(real_list, f"{{{SI}}}unitXMLList").text = " ".join(unit for _ in values)
    return quantity


def _signatories(certificate: Certificate) -> list[tuple[Actor, str, bool]]:
    word = "校准员" if certificate.kind is CertificateKind.CALIBRATION else "检定员"
    people = [(certificate.entered_by, word, False)]
    if certificate.reviewed_by is not None:
        people.append((certificate.reviewed_by, "核验员", False))
    if certificate.approved_by is not None:
        people.append((certificate.approved_by, "批准人", True))
    return people


def _conformity(certificate: Certificate) -> str | None:
    results = certificate.content.results
    if isinstance(results, GaugeVerificationResult):
        return "pass" if results.passed else "fail"
    return {True: "pass", False: "fail", None: None}[results.conforms]


def _join(values: Iterable[Decimal]) -> str:
    return " ".join(str(v) for v in values)


def _el(prefix: str, name: str, **attributes: str) -> etree._Element:
    return etree.Element(f"{{{NSMAP[prefix]}}}{name}", attrib=attributes, nsmap=NSMAP)


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{DCC}}}{name}")
    if text is not None:
        element.text = text
    return element


def _text(name: str, contents: Sequence[tuple[str, str]]) -> etree._Element:
    element = _el("dcc", name)
    for lang, value in contents:
        _sub(element, "content", value).set("lang", lang)
    return element


def _rich(name: str, contents: Sequence[tuple[str, str]]) -> etree._Element:
    return _text(name, contents)


def _identifications(ids: Sequence[tuple[str, str, str, str]]) -> etree._Element:
    element = _el("dcc", "identifications")
    for issuer, value, zh, en in ids:
        identification = _sub(element, "identification")
        _sub(identification, "issuer", issuer)
        _sub(identification, "value", value)
        identification.append(_text("name", [("zh", zh), ("en", en)]))
    return element


def _contact(
    tag: str,
    names: Sequence[tuple[str, str]],
    email: str,
    address: str,
    phone: str = "",
    city: str = "",
) -> etree._Element:
    contact = _el("dcc", tag)
    contact.append(_text("name", names))
    _sub(contact, "eMail", email)
    if phone:
        _sub(contact, "phone", phone)
    location = _sub(contact, "location")
    if city:
        _sub(location, "city", city)
    location.append(_rich("further", [("zh", address)]))
    return contact

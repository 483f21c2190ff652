#!/usr/bin/env python3
"""Rebuilds the code lists of the `dmp` affinity domain profile.

Reads the ANS value sets (IHE SVS XML) and the typeCode -> classCode
correspondence tables (CSV) from the shared corpus and writes
registry/profiles/dmp/codes/*.json plus codes/SOURCES.md. Run it by hand when
the corpus changes and commit its output: the gateway reads only the files
written here, never the corpus.

    registry/profiles/build-dmp-profile.py [--corpus DIR] [--check]

--corpus defaults to ../shared/corpus next to the repository root.
--check  writes nothing; exits 1 when a committed file differs from what
         would be generated.

Python 3 standard library only.
"""

import argparse
import csv
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

SVS_NS = "{urn:ihe:iti:svs:2008}"

# XDS attribute -> DMP value set file (dmp-xds-mapping.md section 5, DMP column).
VALUE_SETS = [
    ("classCode", "JDV_J57_ClassCode_DMP.xml"),
    ("typeCode", "JDV_J66_TypeCode_DMP.xml"),
    ("formatCode", "JDV_J60_FormatCode_DMP.xml"),
    ("confidentialityCode", "JDV_J58_ConfidentialityCode_DMP.xml"),
    ("healthcareFacilityTypeCode", "JDV_J61_HealthcareFacilityTypeCode_DMP.xml"),
    ("practiceSettingCode", "JDV_J62_PracticeSettingCode_DMP.xml"),
    ("contentTypeCode", "JDV_J59_ContentTypeCode_DMP.xml"),
]
# ---- issue 8: lists read from elsewhere in the corpus (path from the corpus root) ----
# referenceIdType: the CXi type codes the DMP allows in referenceIdList (J231).
OTHER_VALUE_SETS = [
    ("referenceIdType", "ans-cda/value-sets/JDV_J231_XdsTypesIdentifiantsReferenceId_DMP.xml"),
]
# ---- end issue 8 ----

# typeCode -> classCode: the DMP table first, the CI-SIS table for the DMP
# typeCodes the (older) DMP table lacks.
TYPE_TO_CLASS_PRIMARY = "ASS_X16_CorrespondanceType_Classe_DMP.csv"
TYPE_TO_CLASS_FALLBACK = "ASS_X04_CorrespondanceType_Classe_CISIS.csv"

# Codes of the IHE DSG signature document (dmp-xds-mapping.md section 8) that
# must be in the lists; the build fails if the corpus ever drops them.
REQUIRED_CODES = [
    ("classCode", "urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1", "URN"),
    ("typeCode", "E1762", "ASTM"),
    ("formatCode", "http://www.w3.org/2000/09/xmldsig#", "URN"),
]


class BuildError(Exception):
    pass


def read_value_set(path):
    root = ET.parse(path).getroot()
    value_set = root.find(SVS_NS + "ValueSet")
    if value_set is None:
        raise BuildError(f"{path}: no ValueSet element")
    entries = []
    seen = set()
    for concept in value_set.iter(SVS_NS + "Concept"):
        code = concept.get("code", "")
        scheme = concept.get("codeSystem", "")
        display = concept.get("displayName", "")
        if not code or not scheme:
            raise BuildError(f"{path}: concept {len(entries)} lacks code or codeSystem")
        if (code, scheme) in seen:
            raise BuildError(f"{path}: duplicate concept {code} ({scheme})")
        seen.add((code, scheme))
        entry = {"code": code, "scheme": scheme, "display": display}
        # ---- issue 8: end of validity, kept when the corpus gives one (a code
        # whose validity ended before a lot's submissionTime is refused) ----
        if concept.get("dateFin"):
            entry["valid_until"] = concept.get("dateFin")
        # ---- end issue 8 ----
        entries.append(entry)
    if not entries:
        raise BuildError(f"{path}: no concepts")
    meta = {
        "oid": value_set.get("id", ""),
        "name": value_set.get("displayName", ""),
        "version": value_set.get("version", ""),
    }
    return entries, meta


def read_correspondence(path):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    expected = {"typeCode", "typeCodeSystem", "classCode", "classCodeSystem"}
    if not rows or set(rows[0].keys()) != expected:
        raise BuildError(f"{path}: expected columns {sorted(expected)}")
    table = {}
    for number, row in enumerate(rows, start=2):
        key = (row["typeCode"], row["typeCodeSystem"])
        value = (row["classCode"], row["classCodeSystem"])
        if not all(key) or not all(value):
            raise BuildError(f"{path}:{number}: empty cell")
        if key in table and table[key] != value:
            raise BuildError(f"{path}:{number}: typeCode {key[0]} mapped twice")
        table[key] = value
    return table


def build(corpus):
    sets_dir = corpus / "dmp-value-sets"
    outputs = {}  # relative path -> text
    sources = []
    lists = {}
    for attribute, file_name in VALUE_SETS:
        entries, meta = read_value_set(sets_dir / file_name)
        lists[attribute] = entries
        outputs[f"codes/{attribute}.json"] = dump_list(entries)
        sources.append((f"codes/{attribute}.json", file_name, meta, len(entries)))
    # ---- issue 8 ----
    for attribute, relative in OTHER_VALUE_SETS:
        entries, meta = read_value_set(corpus / relative)
        lists[attribute] = entries
        outputs[f"codes/{attribute}.json"] = dump_list(entries)
        sources.append((f"codes/{attribute}.json", Path(relative).name, meta, len(entries)))
    # ---- end issue 8 ----

    for attribute, code, scheme in REQUIRED_CODES:
        if not any(e["code"] == code and e["scheme"] == scheme for e in lists[attribute]):
            raise BuildError(f"{attribute} lacks {code} ({scheme}); add an extra list")

    primary = read_correspondence(sets_dir / TYPE_TO_CLASS_PRIMARY)
    fallback = read_correspondence(sets_dir / TYPE_TO_CLASS_FALLBACK)
    for key, value in primary.items():
        if key in fallback and fallback[key] != value:
            raise BuildError(f"typeCode {key[0]}: {TYPE_TO_CLASS_PRIMARY} and "
                             f"{TYPE_TO_CLASS_FALLBACK} disagree")
    classes = {(e["code"], e["scheme"]) for e in lists["classCode"]}
    rules = []
    from_primary = 0
    from_fallback = []
    for entry in lists["typeCode"]:
        key = (entry["code"], entry["scheme"])
        if key in primary:
            value = primary[key]
            from_primary += 1
        elif key in fallback:
            value = fallback[key]
            from_fallback.append(key[0])
        else:
            raise BuildError(f"typeCode {key[0]} ({key[1]}) has no classCode in either table")
        if value not in classes:
            raise BuildError(f"typeCode {key[0]} maps to classCode {value[0]} ({value[1]}), "
                             "which is not in the DMP classCode list")
        rules.append({"typeCode": key[0], "typeCodeScheme": key[1],
                      "classCode": value[0], "classCodeScheme": value[1]})
    type_keys = {(e["code"], e["scheme"]) for e in lists["typeCode"]}
    dropped = sorted(k[0] for k in primary if k not in type_keys)
    outputs["codes/type-to-class.json"] = dump_list(rules)

    outputs["codes/SOURCES.md"] = sources_text(sources, len(rules), from_primary,
                                               from_fallback, dropped)
    return outputs


def dump_list(items):
    lines = [json.dumps(item, ensure_ascii=False) for item in items]
    return "[\n  " + ",\n  ".join(lines) + "\n]\n"


def sources_text(sources, rule_count, from_primary, from_fallback, dropped):
    out = [
        "# Sources of the dmp code lists",
        "",
        "Generated by `registry/profiles/build-dmp-profile.py` from",
        "`shared/corpus/dmp-value-sets/` (see that folder's README.md for where each",
        "file comes from). Do not edit by hand: change the corpus or the script and",
        "run it again.",
        "",
        "| file | value set | OID | ANS version | codes |",
        "|---|---|---|---|---|",
    ]
    for path, file_name, meta, count in sources:
        out.append(f"| {path} | {meta['name']} ({file_name}) | {meta['oid']} | "
                   f"{meta['version']} | {count} |")
    out += [
        "",
        f"`codes/type-to-class.json`: {rule_count} rules, one per typeCode of the typeCode list.",
        f"{from_primary} come from {TYPE_TO_CLASS_PRIMARY} (DMP table),",
        f"{len(from_fallback)} from {TYPE_TO_CLASS_FALLBACK} (CI-SIS table) because the DMP",
        "table is older than the DMP typeCode value set: "
        + (", ".join(from_fallback) if from_fallback else "none") + ".",
        "Rows of the DMP table whose typeCode is not in the DMP typeCode value set are left out: "
        + (", ".join(dropped) if dropped else "none") + ".",
        "Every row of the DMP table agrees with the CI-SIS table (checked by the script).",
        "",
    ]
    return "\n".join(out)


def main():
    repo_root = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=repo_root.parent / "shared" / "corpus")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    out_dir = Path(__file__).resolve().parent / "dmp"
    try:
        outputs = build(args.corpus)
    except (BuildError, OSError, ET.ParseError) as error:
        print(f"build-dmp-profile: {error}", file=sys.stderr)
        return 2

    stale = []
    for relative, text in outputs.items():
        target = out_dir / relative
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        stale.append(relative)
        if not args.check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    if args.check:
        for relative in stale:
            print(f"out of date: {out_dir / relative}", file=sys.stderr)
        return 1 if stale else 0
    for relative in stale:
        print(f"wrote {out_dir / relative}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

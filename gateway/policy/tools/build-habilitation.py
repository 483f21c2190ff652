#!/usr/bin/env python3
"""Builds registry/profiles/dmp/habilitation.json from the corpus transcription of
the DMP habilitation matrix (shared/corpus/dmp-habilitation/). Python 3 standard
library only. The gateway never reads shared/ at run time: commit the output.

  gateway/policy/tools/build-habilitation.py           # rewrite the file
  gateway/policy/tools/build-habilitation.py --check   # exit 1 if it is stale
"""
import argparse
import csv
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[3]
OUTPUT = ROOT / "registry" / "profiles" / "dmp" / "habilitation.json"

G15 = "1.2.250.1.71.1.2.7"    # TRE_G15 ProfessionSante
G16 = "1.2.250.1.71.1.2.8"    # TRE_G16 ProfessionSante en formation (internes, CPF)
R01 = "1.2.250.1.71.4.2.5"    # TRE_R01 EnsembleSavoirFaire
R85 = "1.2.250.1.213.1.6.1.107"  # TRE_R85 RolePriseCharge
R22 = "1.2.250.1.213.1.6.1.19"   # TRE_R22 GenreActivite
R291 = "1.2.250.1.213.1.6.1.140"  # TRE_R291 AutreProfession
R94 = "1.2.250.1.213.1.6.1.4"    # TRE_R94 ProfessionSocial
A00 = "1.2.250.1.213.1.1.4.6"    # TRE_A00 ProducteurDocNonPS

SOCIAL = {"coordination_orientation", "assistant_service_social", "sms_administratif_appui",
          "sms_accompagnement_vie_sociale", "sms_accompagnement_soin",
          "sms_encadrement_organisation"}


def coded(system, code):
    return {"system": system, "code": code}


def criteria(column, row):
    """How a VIHF caller is recognised as a member of one matrix column."""
    if column == "pharmacien_biologiste":
        # Identical column to pharmacien_officine_pui_preparateur (checked below) and not
        # distinguishable in a VIHF (the CNOP table section is not carried): profession 21
        # is classified here; both columns read the same types.
        return [{"profession": coded(G15, "21")}, {"profession": coded(G16, "21")}]
    if column == "pharmacien_officine_pui_preparateur":
        return [{"profession": coded(R291, "99"), "role": coded(R85, "316")},
                {"profession": coded(R291, "99"), "role": coded(R85, "317")}]
    out = []
    for item in row["profession_codes"].split("|"):
        system_name, code = item.split(":")
        system = {"TRE_G15": G15, "TRE_R94": R94, "TRE_R291": R291}[system_name]
        if row["genre_activite_TRE_R22"]:
            out.append({"profession": coded(system, code),
                        "role": coded(R22, row["genre_activite_TRE_R22"])})
        else:
            out.append({"profession": coded(system, code)})
            if system == G15 and code in ("10", "40", "50"):
                # Internes (source: "internes" in columns 1, 4) and students carry TRE_G16.
                out.append({"profession": coded(G16, code)})
    return out


def build(corpus):
    base = corpus / "dmp-habilitation"
    groups_rows = list(csv.DictReader(open(base / "profession_groups.csv", encoding="utf-8")))
    matrix = list(csv.DictReader(open(base / "matrix.csv", encoding="utf-8")))
    columns = [g["column_id"] for g in groups_rows]
    bio = [r["pharmacien_biologiste"] for r in matrix]
    off = [r["pharmacien_officine_pui_preparateur"] for r in matrix]
    if bio != off:
        sys.exit("pharmacist columns differ: classification of profession 21 must be revisited")
    groups = []
    for g in groups_rows:
        group = {
            "id": g["column_id"],
            "kind": "social_medico_social" if g["column_id"] in SOCIAL else "health",
            "label": g["source_label"],
            "match": criteria(g["column_id"], g),
            "source": "dmp-habilitation/profession_groups.csv column %s (%s)%s" % (
                g["position"], g["source_code_cells"],
                "; " + g["distinguishing_attribute_notes"]
                if g["distinguishing_attribute_notes"] else ""),
        }
        if g["column_id"] == "pharmacien_biologiste":
            group["source"] += ("; Passerelle: every profession-21 caller is classified here "
                                "(columns 2 and 3 are identical, checked by the generator)")
        if g["column_id"] == "pharmacien_officine_pui_preparateur":
            group["source"] += "; Passerelle: profession 99 with role 316 or 317 is classified here"
        if g["column_id"] == "medecin":
            group["exclude"] = [{"speciality": coded(R01, "SM25")}]
        groups.append(group)
    groups.append({
        "id": "secretariat_medical",
        "kind": "non_professional",
        "label": "Secrétariat médical (non-professionals acting for a PS, R-ID-3)",
        "match": [{"profession": coded(A00, "SECRETARIAT_MEDICAL")},
                  {"profession": coded(R291, "99"), "role": coded(R85, "331")}],
        "source": "not a matrix column: dmp-habilitation/README.md §5.4 lists 'secrétaires "
                  "médicales (role 331)' among callers without a column; codes from "
                  "dmp-value-sets/TRE_A00_ProducteurDocNonPS.xml and TRE_R85_RolePriseCharge.xml. "
                  "Recognised so that R-ID-3 applies; reads no type (deny by default).",
    })
    types = []
    for r in matrix:
        if not r["typeCodes"]:
            continue  # the imaging-procedure row: see notes
        readers = [c for c in columns if r[c] == "X"]
        types.append({
            "typeCode": r["typeCodes"],
            "scheme": r["typecode_system"],
            "display": r["document_type_label"],
            "readers": readers,
            "source": "dmp-habilitation/matrix.csv source_row %s (class %s)%s" % (
                r["source_row"], r["class_code"],
                "; footnote (%s)" % r["source_footnote"] if r["source_footnote"] else ""),
        })
    return {
        "format": "passerelle-habilitation-1",
        "description": "DMP habilitation matrix (R-READ-5): which profession reads which "
                       "document typeCode. Generated by gateway/policy/tools/"
                       "build-habilitation.py; edit the generator, not this file.",
        "source": "Cnam 'Matrice d'habilitations des PS pour le DMP' (2024-09-25) as "
                  "transcribed in shared/corpus/dmp-habilitation/ (matrix.csv, "
                  "profession_groups.csv); see its README.md for provenance and gaps.",
        "notes": [
            "Deny by default: a caller matching no group reads nothing; a typeCode not "
            "listed is read by no professional (E1762, PIECE-IDENTITE, 51851-4, ... are "
            "absent from the source).",
            "Groups are tried in file order; the first whose 'match' holds and whose "
            "'exclude' does not wins.",
            "Left out: matrix.csv source_row 83 (imaging procedure, typeCode = any code of "
            "JDV_CodesDocumentImagerie_CISIS): no such code is in JDV_J66, so the dmp "
            "profile cannot register one.",
            "medecin excludes TRE_R01 SM25 (médecine du travail): the source column says "
            "'hors méd. du travail'.",
        ],
        "groups": groups,
        "document_types": types,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = json.dumps(build(pathlib.Path(args.corpus)), ensure_ascii=False, indent=1) + "\n"
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text:
            print("%s is stale" % OUTPUT)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

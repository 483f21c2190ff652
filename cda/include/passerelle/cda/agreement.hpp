#pragma once

// Issue 8: XDS metadata ↔ CDA header agreement, the gateway's rules X-1…X-15
// of shared/spec/cda-header-rules.md §22 (dmp-xds-mapping.md §4–6, §9), plus
// the PDSm/DMP metadata rules the generic metadata validation lacks.
//
// Rule ids and what is compared (E = error refuses the lot, W = warning):
//   X-1  patientId (DocumentEntry and SubmissionSet) = a recordTarget/patientRole/id as
//        id^^^&root&ISO (E); sourcePatientId is a patientRole/id, sourcePatientInfo
//        PID-5 family / PID-7 birth date / PID-8 gender = patient name/birthTime/gender (W)
//   X-2  typeCode = code (code + codeSystem E, displayName W)
//   X-3  classCode = profile.class_code_for_type_code[CDA code] (ASS_X04/X16) (E)
//   X-4  creationTime = effectiveTime in UTC, compared at the shorter precision (E)
//   X-5  exactly one HL7 confidentialityCode (2.16.840.1.113883.5.25), equal to the CDA's;
//        the others only DMP codes (1.2.250.1.213.1.1.4.13), none repeated (E)
//   X-6  serviceStartTime / serviceStopTime = first serviceEvent/effectiveTime low / high (E;
//        a CDA high without serviceStopTime is W)
//   X-7  practiceSettingCode = first serviceEvent/performer/…/standardIndustryClassCode
//        (E; W when the CDA has none)
//   X-8  healthcareFacilityTypeCode = componentOf/…/healthCareFacility/code (E; W when absent)
//   X-9  authors: every authorPerson is a CDA author/assignedAuthor/id and every CDA author
//        has an XDS author (E); authorInstitution holds the author's representedOrganization
//        id (E); names and authorSpecialty = assignedAuthor/code (W)
//   X-10 legalAuthenticator id = legalAuthenticator/assignedEntity/id (E; name W)
//   X-11 languageCode = languageCode/@code (E)
//   X-12 title = title text, whitespace-normalised (E)
//   X-13 uniqueId = id/@root, or root^extension (E)
//   X-14 formatCode agrees with the body (N1 nonXMLBody mediaType → XDS-SD format; N3 not an
//        XDS-SD format) (E); mimeType text/xml (application/xml W)
//   X-15 eventCodeList ⊂ serviceEvent/code; referenceIdList ↔ inFulfillmentOf/order/id or
//        serviceEvent/id (W)
//   DMP-AUTHOR-INSTITUTION  the SubmissionSet's authorInstitution set = the document's (E)
// Locations are XPath-like paths in the CDA (/ClinicalDocument/code), or the
// metadata attribute name for metadata-only rules. A metadata attribute that
// is absent is not compared (metadata validation says whether it is required).

#include <memory>
#include <string_view>
#include <vector>
#include <xercesc/dom/DOM.hpp>

#include "passerelle/cda/finding.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/transactions.hpp"

namespace passerelle::cda {

class Validator;

// X-1…X-15 and DMP-AUTHOR-INSTITUTION for one DocumentEntry. `set` may be
// null (then the SubmissionSet parts are skipped); `profile` null skips X-3.
std::vector<Finding> check_agreement(const xercesc::DOMElement& clinical_document,
                                     const registry::DocumentEntry& entry,
                                     const registry::SubmissionSet* set,
                                     const registry::Profile* profile = nullptr);

// R-CDA-37 [S] against the stored predecessor of an RPLC (`predecessor`: its
// bytes as stored): the same setId, a greater versionNumber, and a
// relatedDocument RPLC whose parentDocument/id is the predecessor's id
// (errors); a predecessor that is no CDA gives a warning and no comparison.
std::vector<Finding> check_replacement(const xercesc::DOMElement& clinical_document,
                                       std::string_view predecessor);

// One document as received: parsed once (the validator's validating parse
// when one is given, else the hardened xml::parse), its ClinicalDocument
// located (plain, ds:Signature or xsl:stylesheet), validated, then
// check_agreement, and check_replacement when `predecessor` is not empty.
// Never throws for bad input: unparsable XML is finding "XML", no
// ClinicalDocument "R-CDA-LOCATE".
std::vector<Finding> check_document(std::string_view bytes, const registry::DocumentEntry& entry,
                                    const registry::SubmissionSet* set,
                                    const registry::Profile* profile, const Validator* validator,
                                    std::string_view predecessor = {});

// check_document as the registry's ITI-41 hook (RegistryOptions::document_checker):
// Finding{rule_id, severity, location, message} → Error{rule_id, severity, location, message}.
registry::DocumentChecker document_checker(std::shared_ptr<const registry::Profile> profile,
                                           std::shared_ptr<const Validator> validator);

}  // namespace passerelle::cda

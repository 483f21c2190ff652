#include "lot_signing.hpp"

#include <regex>
#include <stdexcept>

namespace passerelle::testing {
namespace {

std::string block_of(const std::string& metadata, const std::string& entry_id) {
  const std::string open = "<rim:ExtrinsicObject id=\"" + entry_id + "\"";
  const std::size_t begin = metadata.find(open);
  const std::string close = "</rim:ExtrinsicObject>";
  if (begin == std::string::npos) throw std::runtime_error("no ExtrinsicObject " + entry_id);
  return metadata.substr(begin, metadata.find(close, begin) + close.size() - begin);
}

// The slot removed when the entry has it (a lot may leave hash and size to
// the repository).
std::string without_slot_named(std::string block, const std::string& name) {
  const std::size_t begin = block.find("<rim:Slot name=\"" + name + "\">");
  if (begin == std::string::npos) return block;
  const std::string close = "</rim:Slot>";
  block.erase(begin, block.find(close, begin) + close.size() - begin);
  return block;
}

std::string code_classification(const std::string& id, const std::string& scheme,
                                const std::string& code, const std::string& coding_scheme) {
  return "<rim:Classification id=\"" + id + "\" classificationScheme=\"" + scheme +
         "\" classifiedObject=\"" + std::string(kSignatureEntryId) + "\" nodeRepresentation=\"" +
         code + "\"><rim:Slot name=\"codingScheme\"><rim:ValueList><rim:Value>" + coding_scheme +
         "</rim:Value></rim:ValueList></rim:Slot><rim:Name><rim:LocalizedString value=\"" + code +
         "\"/></rim:Name></rim:Classification>";
}

}  // namespace

std::string with_signature_entry(const std::string& metadata) {
  std::string entry = block_of(metadata, "Document02");
  const std::string document_unique_id = testing::document_unique_id(metadata, "Document02");
  entry = without_slot_named(without_slot_named(entry, "hash"), "size");
  entry = replace_all(entry, "Document02", kSignatureEntryId);
  entry = replace_all(entry, "id=\"cl02", "id=\"cl09");
  entry = replace_all(entry, "id=\"ei02", "id=\"ei09");
  entry = replace_all(entry, "mimeType=\"application/pdf\"", "mimeType=\"text/xml\"");
  entry = replace_all(entry, "<rim:Value>fr-FR</rim:Value>", "<rim:Value>art</rim:Value>");
  entry = replace_all(entry, "value=\"" + document_unique_id + "\"",
                      "value=\"" + document_unique_id + "9\"");
  // classCode, typeCode, formatCode of the DSG signature, plus its eventCode.
  const auto swap_code = [&](const std::string& scheme, const std::string& code,
                             const std::string& coding_scheme) {
    const std::string head = "classificationScheme=\"" + scheme + "\"";
    const std::size_t at = entry.find(head);
    if (at == std::string::npos) throw std::runtime_error("no classification " + scheme);
    const std::size_t begin = entry.rfind("<rim:Classification", at);
    const std::string close = "</rim:Classification>";
    const std::size_t end = entry.find(close, at) + close.size();
    const std::string id = entry.substr(begin + 24, entry.find('"', begin + 24) - begin - 24);
    entry.replace(begin, end - begin, code_classification(id, scheme, code, coding_scheme));
  };
  swap_code("urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a", "urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1",
            "URN");
  swap_code("urn:uuid:f0306f51-975f-434e-a61c-c59651d33983", "E1762", "ASTM");
  swap_code("urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d", "http://www.w3.org/2000/09/xmldsig#",
            "URN");
  entry =
      replace_all(entry, "</rim:Name>\n      <rim:Classification",
                  "</rim:Name>" +
                      code_classification("cl0990", "urn:uuid:2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4",
                                          "1.2.840.10065.1.12.1.14", "1.2.840.10065.1.12") +
                      "\n      <rim:Classification");

  const std::string associations =
      "<rim:Association id=\"as09\" "
      "associationType=\"urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember\" "
      "sourceObject=\"SubmissionSet01\" targetObject=\"Signature01\"><rim:Slot "
      "name=\"SubmissionSetStatus\"><rim:ValueList><rim:Value>Original</rim:Value></"
      "rim:ValueList></rim:Slot></rim:Association>"
      "<rim:Association id=\"as10\" associationType=\"urn:ihe:iti:2007:AssociationType:signs\" "
      "sourceObject=\"Signature01\" targetObject=\"SubmissionSet01\"/>";
  std::string out = replace_all(metadata, "<rim:RegistryPackage id=\"SubmissionSet01\">",
                                entry + "\n    <rim:RegistryPackage id=\"SubmissionSet01\">");
  return replace_all(out, "</rim:RegistryObjectList>", associations + "</rim:RegistryObjectList>");
}

std::string submission_set_unique_id(const std::string& metadata) {
  static const std::regex set_id(
      "identificationScheme=\"urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8\"[^>]*value=\"([0-9.]+)"
      "\"");
  std::smatch match;
  if (!std::regex_search(metadata, match, set_id)) {
    throw std::runtime_error("submission_set_unique_id: none");
  }
  return match[1];
}

signature::Lot lot_of(const std::string& metadata, const std::vector<Part>& parts) {
  signature::Lot lot;
  lot.unique_id = submission_set_unique_id(metadata);
  for (const Part& part : parts) {
    if (part.id == kSignatureEntryId) continue;
    lot.documents.push_back(
        signature::LotDocument::from_bytes(document_unique_id(metadata, part.id), part.bytes));
  }
  return lot;
}

std::vector<Part> with_signature_part(const std::string& metadata, std::vector<Part> parts,
                                      const signature::SigningKey& key,
                                      const signature::LotSigningOptions& options) {
  std::string signed_lot = signature::sign_lot(lot_of(metadata, parts), key, options);
  parts.push_back({kSignatureEntryId, "text/xml", std::move(signed_lot)});
  return parts;
}

std::shared_ptr<const registry::Profile> dmp_profile_without_lot_signatures() {
  registry::Profile profile = registry::load_named_profile("dmp");
  profile.lot_signature_required = false;
  return std::make_shared<const registry::Profile>(std::move(profile));
}

}  // namespace passerelle::testing

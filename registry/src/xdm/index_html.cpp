#include <string>
#include <string_view>

#include "passerelle/core/xml.hpp"
#include "xdm/names.hpp"
#include "xdm/package_text.hpp"

namespace passerelle::registry::xdm::detail {
namespace {

std::string esc(std::string_view text) { return xml::escape(text); }

// "20240502101500" → "2024-05-02 10:15:00 UTC"; other shapes as given.
std::string shown_dtm(const std::string& dtm) {
  if (dtm.size() < 8) return dtm;
  for (const char c : dtm) {
    if (c < '0' || c > '9') return dtm;
  }
  std::string out = dtm.substr(0, 4) + "-" + dtm.substr(4, 2) + "-" + dtm.substr(6, 2);
  if (dtm.size() >= 12) out += " " + dtm.substr(8, 2) + ":" + dtm.substr(10, 2);
  if (dtm.size() >= 14) out += ":" + dtm.substr(12, 2);
  return dtm.size() >= 12 ? out + " UTC" : out;
}

std::string component(const std::string& hl7, std::size_t index) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < index; ++i) {
    start = hl7.find('^', start);
    if (start == std::string::npos) return "";
    ++start;
  }
  return hl7.substr(start, hl7.find('^', start) - start);
}

// An XCN (id^family^given^…^…^prefix) or XON (name^…) as a person reads it.
std::string shown_author(const std::vector<Author>& authors) {
  std::string out;
  for (const Author& author : authors) {
    std::string name;
    if (author.person) {
      for (const std::size_t i : {5u, 2u, 1u}) {
        const std::string part = component(*author.person, i);
        if (!part.empty()) name += (name.empty() ? "" : " ") + part;
      }
      if (name.empty()) name = *author.person;
    } else if (!author.institutions.empty()) {
      name = component(author.institutions.front(), 0);
    }
    if (!name.empty()) out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

std::string shown_code(const std::optional<Code>& code) {
  if (!code) return "";
  return code->display.empty() ? code->code : code->display;
}

std::string document_count(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " document" : " documents");
}

void lot_section(std::string& out, const ListedLot& lot, std::size_t number) {
  const SubmissionSet& set = lot.submission_set;
  out += "<section>\n<h2>Lot " + std::to_string(number);
  if (!set.title.empty()) out += ": " + esc(set.title);
  out += "</h2>\n<dl>\n<dt>Lot identifier</dt><dd>" + esc(set.unique_id) + "</dd>\n";
  out += "<dt>Patient</dt><dd>" + esc(set.patient_id) + "</dd>\n";
  out += "<dt>Submitted</dt><dd>" + esc(shown_dtm(set.submission_time)) + "</dd>\n";
  out += "<dt>Submitted by</dt><dd>" + esc(shown_author(set.authors)) + "</dd>\n";
  out += "<dt>Metadata</dt><dd><a href=\"" + esc(lot.directory) + "/" + std::string(kMetadataFile) +
         "\">" + esc(lot.directory) + "/" + std::string(kMetadataFile) + "</a></dd>\n</dl>\n";
  out +=
      "<table>\n<thead><tr><th>Title</th><th>Type</th><th>Author</th><th>Created</th>"
      "<th>File</th></tr></thead>\n<tbody>\n";
  for (const ListedDocument& document : lot.documents) {
    const DocumentEntry& entry = document.entry;
    out += "<tr><td>" + esc(entry.title) + "</td><td>" + esc(shown_code(entry.type_code)) +
           "</td><td>" + esc(shown_author(entry.authors)) + "</td><td>" +
           esc(shown_dtm(entry.creation_time)) + "</td><td><a href=\"" + esc(document.file) +
           "\" type=\"" + esc(entry.mime_type) + "\">" + esc(document.file) + "</a> (" +
           std::to_string(document.size) + " bytes)</td></tr>\n";
  }
  out += "</tbody>\n</table>\n</section>\n";
}

}  // namespace

std::string index_html(const Package& package, const std::vector<ListedLot>& lots) {
  std::size_t documents = 0;
  for (const ListedLot& lot : lots) documents += lot.documents.size();
  const Producer& producer = package.producer;
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>Medical documents (IHE XDM)</title>\n<style>\n"
      "body{font-family:sans-serif;margin:2em;color:#222}"
      "table{border-collapse:collapse;width:100%;margin-bottom:2em}"
      "th,td{border:1px solid #999;padding:.3em .6em;text-align:left}"
      "th{background:#e8eef4}dt{font-weight:bold;float:left;clear:left;width:10em}"
      "dd{margin-left:11em}\n</style>\n</head>\n<body>\n<h1>Medical documents</h1>\n";
  out += "<p>This package (IHE XDM, ITI-32) holds " + document_count(documents) + " in " +
         std::to_string(lots.size()) + (lots.size() == 1 ? " lot" : " lots") + ".</p>\n";
  out += "<p>Made by " + esc(producer.organisation) + " with " + esc(producer.application) +
         (producer.version.empty() ? "" : " " + esc(producer.version)) + " on " +
         esc(package.created_at) + ". Contact: " + esc(producer.contact) + ". See <a href=\"" +
         std::string(kReadmeFile) + "\">" + std::string(kReadmeFile) + "</a>.</p>\n";
  for (std::size_t i = 0; i < lots.size(); ++i) lot_section(out, lots[i], i + 1);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace passerelle::registry::xdm::detail

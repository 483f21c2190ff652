#define BOOST_TEST_MODULE xdm_package
#include <boost/test/unit_test.hpp>

// XDM media (ITI-32): write_package → read_package round trips, INDEX.HTM
// and README.TXT, every hostile archive read_package must refuse (built by
// tests/support/zip_builder, since libzip will not write most of them), the
// NIST testkit's XDM sample and INDEX.HTM rendered by headless Chromium.

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "ebrim_fixtures.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/xdm.hpp"
#include "temp_dir.hpp"
#include "xds_client.hpp"
#include "zip_builder.hpp"

namespace {

using namespace passerelle;
using namespace passerelle::testing;
namespace xdm = passerelle::registry::xdm;
using registry::ObjectKind;
using registry::RegistryObject;

struct XmlRuntimeFixture {
  xml::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(XmlRuntimeFixture);

const std::string kHostileTitle = "<script>alert('x')</script> & \"Co\"";

// The fixture lot (two PDFs) as a Package, Document01 titled kHostileTitle.
xdm::Package sample_package() {
  const auto request = two_document_request();
  xdm::PackagedLot lot;
  for (const RegistryObject& object : request.objects) {
    if (object.kind == ObjectKind::RegistryPackage) lot.submission_set = object;
    if (object.kind == ObjectKind::Association) lot.associations.push_back(object);
    if (object.kind == ObjectKind::ExtrinsicObject) {
      xdm::PackagedDocument document{
          object, read_fixture("xds/" + (object.id == "Document01" ? std::string("document01.pdf")
                                                                   : "document02.pdf"))};
      if (object.id == "Document01") document.entry.name = {{kHostileTitle, "fr-FR", ""}};
      lot.documents.push_back(std::move(document));
    }
  }
  xdm::Package package;
  package.lots.push_back(std::move(lot));
  package.producer = {"Hôpital <Test> & Cie", "support@example.org", "Passerelle", "0.1.0"};
  package.created_at = "2026-11-26T07:00:00Z";
  return package;
}

const registry::Slot* slot(const RegistryObject& object, const std::string& name) {
  return object.slot(name);
}

std::size_t slot_count(const RegistryObject& object, const std::string& name) {
  std::size_t n = 0;
  for (const auto& s : object.slots) n += s.name == name;
  return n;
}

// read_package must refuse `zip` with exactly this error.
void expect_refused(const std::string& zip, const std::string& code, const std::string& location,
                    const std::string& message, const xdm::Limits& limits = {}) {
  try {
    const auto lots = xdm::read_package(zip, limits);
    BOOST_ERROR("accepted, expected " << code << " (" << lots.size() << " lots returned)");
  } catch (const Failure& failure) {
    BOOST_TEST(failure.error().code == code);
    BOOST_TEST(failure.error().location == location);
    BOOST_TEST(failure.error().message == message);
  }
}

// A written sample package, its files changed by `edit`, stored again.
template <typename Edit>
std::string edited_package(Edit edit) {
  auto files = unzip_all(xdm::write_package(sample_package()));
  edit(files);
  return rezip(files);
}

const std::string kSubset = "IHE_XDM/SUBSET01";
const std::string kMetadata = kSubset + "/METADATA.XML";
const std::string kFirstFile = kSubset + "/DOC00001.PDF";

}  // namespace

BOOST_AUTO_TEST_SUITE(writing_and_reading)

BOOST_AUTO_TEST_CASE(round_trip_gives_back_the_same_objects_and_bytes) {
  const auto package = sample_package();
  const auto zip = xdm::write_package(package);
  const auto lots = xdm::read_package(zip);
  BOOST_TEST_REQUIRE(lots.size() == 1u);
  const auto& lot = lots.front();
  BOOST_TEST(lot.subset == kSubset);
  const auto& source = package.lots.front();

  // The set, the Classification marking it, the entries, the associations.
  BOOST_TEST_REQUIRE(lot.request.objects.size() == 6u);
  BOOST_TEST((lot.request.objects[0] == source.submission_set));
  BOOST_TEST((lot.request.objects[1].kind == ObjectKind::Classification));
  BOOST_TEST(lot.request.objects[1].classification->classified_object == "SubmissionSet01");
  BOOST_TEST((lot.request.objects[4] == source.associations[0]));
  BOOST_TEST((lot.request.objects[5] == source.associations[1]));
  const auto submission = registry::read_submission(lot.request);
  BOOST_TEST(submission.submission_sets.size() == 1u);

  BOOST_TEST_REQUIRE(lot.documents.size() == 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& document = lot.documents[i];
    const auto& original = source.documents[i];
    const std::string file = kSubset + "/DOC0000" + std::to_string(i + 1) + ".PDF";
    BOOST_TEST(document.entry_id == original.entry.id);
    BOOST_TEST(document.file_name == file);
    BOOST_TEST(document.mime_type == "application/pdf");
    BOOST_TEST(document.bytes == original.bytes);
    BOOST_TEST(document.sha1_hex == sha1_hex(original.bytes));
    const RegistryObject& entry = lot.request.objects[2 + i];
    BOOST_TEST(slot(entry, "URI")->values == std::vector<std::string>{file.substr(17)});
    BOOST_TEST(slot(entry, "hash")->values == std::vector<std::string>{sha1_hex(original.bytes)});
    BOOST_TEST(slot(entry, "size")->values ==
               std::vector<std::string>{std::to_string(original.bytes.size())});
    // Everything else is the entry as registered.
    RegistryObject expected = original.entry;
    RegistryObject got = entry;
    for (auto* object : {&expected, &got}) {
      std::erase_if(object->slots, [](const registry::Slot& s) {
        return s.name == "URI" || s.name == "hash" || s.name == "size";
      });
    }
    BOOST_TEST((got == expected));
  }
}

BOOST_AUTO_TEST_CASE(the_same_package_gives_the_same_bytes) {
  BOOST_TEST(xdm::write_package(sample_package()) == xdm::write_package(sample_package()));
  auto later = sample_package();
  later.created_at = "2026-11-27T07:00:00Z";
  BOOST_TEST(xdm::write_package(later) != xdm::write_package(sample_package()));
}

BOOST_AUTO_TEST_CASE(files_have_upper_case_8_3_names_from_the_mime_type) {
  auto package = sample_package();
  const std::vector<std::pair<std::string, std::string>> types = {
      {"text/xml", "XML"},
      {"application/pdf", "PDF"},
      {"image/jpeg", "JPG"},
      {"image/tiff", "TIF"},
      {"text/rtf", "RTF"},
      {"application/rtf", "RTF"},
      {"text/plain", "TXT"},
      {"application/octet-stream", "BIN"},
      {"Text/XML; charset=UTF-8", "XML"}};
  auto& documents = package.lots.front().documents;
  const auto model = documents.front();
  documents.clear();
  for (const auto& [mime, extension] : types) {
    auto document = model;
    document.entry.mime_type = mime;
    document.bytes = "bytes of " + mime;
    documents.push_back(document);
  }
  const auto names = zip_names(xdm::write_package(package));
  std::vector<std::string> expected = {"INDEX.HTM", "README.TXT", kMetadata};
  for (std::size_t i = 0; i < types.size(); ++i) {
    expected.push_back(kSubset + "/DOC0000" + std::to_string(i + 1) + "." + types[i].second);
  }
  BOOST_TEST(names == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(existing_uri_hash_and_size_slots_are_replaced) {
  auto package = sample_package();
  auto& entry = package.lots.front().documents.front().entry;
  entry.slots.push_back({"URI", "", {"http://elsewhere/doc.pdf"}});
  entry.slots.push_back({"size", "", {"1"}});
  entry.slots.push_back({"size", "", {"2"}});
  entry.slots.push_back({"hash", "", {"0000000000000000000000000000000000000000"}});
  const auto lots = xdm::read_package(xdm::write_package(package));
  const auto& written = lots.front().request.objects[2];
  BOOST_TEST(slot_count(written, "URI") == 1u);
  BOOST_TEST(slot_count(written, "size") == 1u);
  BOOST_TEST(slot_count(written, "hash") == 1u);
  BOOST_TEST(slot(written, "URI")->values.front() == "DOC00001.PDF");
  BOOST_TEST(lots.front().documents.front().bytes == read_fixture("xds/document01.pdf"));
}

BOOST_AUTO_TEST_CASE(lots_go_to_subset01_subset02_in_order) {
  auto package = sample_package();
  package.lots.push_back(package.lots.front());
  const auto lots = xdm::read_package(xdm::write_package(package));
  BOOST_TEST_REQUIRE(lots.size() == 2u);
  BOOST_TEST(lots[0].subset == "IHE_XDM/SUBSET01");
  BOOST_TEST(lots[1].subset == "IHE_XDM/SUBSET02");
  BOOST_TEST(lots[1].documents.front().file_name == "IHE_XDM/SUBSET02/DOC00003.PDF");
}

BOOST_AUTO_TEST_CASE(a_ten_document_lot_is_written_and_read_back) {
  // Ten CDA-sized documents of varied text; prints the package size and time.
  auto package = sample_package();
  auto& documents = package.lots.front().documents;
  const auto model = documents.front();
  documents.clear();
  std::uint32_t seed = 12345;
  for (int i = 0; i < 10; ++i) {
    auto document = model;
    document.entry.id = "Document" + std::to_string(10 + i);
    for (int line = 0; line < 2000; ++line) {
      seed = seed * 1103515245u + 12345u;
      document.bytes += "<observation value=\"" + std::to_string(seed % 100000) + "\"/>\n";
    }
    documents.push_back(std::move(document));
  }
  const auto start = std::chrono::steady_clock::now();
  const auto zip = xdm::write_package(package);
  const auto written = std::chrono::steady_clock::now();
  const auto lots = xdm::read_package(zip);
  const auto read = std::chrono::steady_clock::now();
  BOOST_TEST_REQUIRE(lots.front().documents.size() == 10u);
  for (std::size_t i = 0; i < 10; ++i) {
    BOOST_TEST(lots.front().documents[i].bytes == documents[i].bytes);
  }
  std::size_t expanded = 0;
  for (const auto& document : documents) expanded += document.bytes.size();
  using ms = std::chrono::milliseconds;
  BOOST_TEST_MESSAGE("10-document lot: "
                     << expanded << " document bytes, ZIP " << zip.size() << " bytes, written in "
                     << std::chrono::duration_cast<ms>(written - start).count() << " ms, read in "
                     << std::chrono::duration_cast<ms>(read - written).count() << " ms");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(human_readable_files)

BOOST_AUTO_TEST_CASE(index_escapes_every_value_and_links_resolve_to_entries) {
  const auto files = unzip_all(xdm::write_package(sample_package()));
  const std::string& index = files.at("INDEX.HTM");
  BOOST_TEST(index.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0) == 0u);
  BOOST_TEST(index.find("<meta charset=\"utf-8\">") != std::string::npos);
  BOOST_TEST(index.find("<script>") == std::string::npos);
  BOOST_TEST(index.find("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;Co&quot;") !=
             std::string::npos);
  BOOST_TEST(index.find("Hôpital &lt;Test&gt; &amp; Cie") != std::string::npos);
  BOOST_TEST(index.find("holds 2 documents in 1 lot") != std::string::npos);
  BOOST_TEST(index.find("2026-11-26T07:00:00Z") != std::string::npos);

  std::set<std::string> links;
  const std::regex href("href=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(index.begin(), index.end(), href);
       it != std::sregex_iterator(); ++it) {
    links.insert((*it)[1]);
  }
  const std::set<std::string> expected = {"README.TXT", kMetadata, kFirstFile,
                                          kSubset + "/DOC00002.PDF"};
  BOOST_TEST(links == expected, boost::test_tools::per_element());
  for (const auto& link : links) BOOST_TEST(files.count(link) == 1u, link);
}

BOOST_AUTO_TEST_CASE(index_lists_title_type_author_and_date_of_each_document) {
  const auto package = sample_package();
  const auto index = unzip_all(xdm::write_package(package)).at("INDEX.HTM");
  const auto entry = registry::read_document_entry(package.lots.front().documents[1].entry);
  BOOST_TEST_REQUIRE(entry.type_code.has_value());
  BOOST_TEST(index.find("<td>" + xml::escape(entry.title) + "</td>") != std::string::npos);
  BOOST_TEST(index.find("<td>" + xml::escape(entry.type_code->display) + "</td>") !=
             std::string::npos);
  BOOST_TEST(index.find(entry.creation_time.substr(0, 4) + "-" +
                        entry.creation_time.substr(4, 2)) != std::string::npos);
  BOOST_TEST(index.find("<th>Author</th>") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(readme_names_the_producer_with_crlf_lines) {
  const auto readme = unzip_all(xdm::write_package(sample_package())).at("README.TXT");
  BOOST_TEST(readme.find("Produced by: Hôpital <Test> & Cie\r\n") != std::string::npos);
  BOOST_TEST(readme.find("Contact: support@example.org\r\n") != std::string::npos);
  BOOST_TEST(readme.find("Application: Passerelle 0.1.0\r\n") != std::string::npos);
  BOOST_TEST(readme.find("Date: 2026-11-26T07:00:00Z\r\n") != std::string::npos);
  BOOST_TEST(std::regex_search(readme, std::regex("[^\r]\n")) == false);
}

BOOST_AUTO_TEST_CASE(headless_chromium_renders_index) {
  if (std::system("command -v chromium >/dev/null 2>&1") != 0) {
    BOOST_TEST_MESSAGE("skipped: chromium is not on PATH");
    return;
  }
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "passerelle-xdm-index";
  std::filesystem::remove_all(dir);
  for (const auto& [name, bytes] : unzip_all(xdm::write_package(sample_package()))) {
    const auto path = dir / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
  }
  const auto png = dir / "index.png";
  const std::string command =
      "timeout 120 chromium --headless --no-sandbox --disable-gpu --screenshot=" + png.string() +
      " --window-size=1024,768 file://" + (dir / "INDEX.HTM").string() + " >/dev/null 2>&1";
  BOOST_TEST(std::system(command.c_str()) == 0);
  BOOST_TEST_REQUIRE(std::filesystem::exists(png));
  BOOST_TEST(std::filesystem::file_size(png) > 5u * 1024u);
  BOOST_TEST_MESSAGE("INDEX.HTM screenshot: " << png.string() << " ("
                                              << std::filesystem::file_size(png) << " bytes)");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hostile_archives)

BOOST_AUTO_TEST_CASE(names_that_escape_the_extraction_directory_are_refused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/etc/passwd", "entry name is an absolute path"},
      {"../evil.txt", "entry name leaves its directory ('..')"},
      {"IHE_XDM/SUBSET01/../../evil.txt", "entry name leaves its directory ('..')"},
      {"..\\evil.txt", "entry name contains a backslash"},
      {"C:/Windows/evil.txt", "entry name contains ':' (a drive letter, scheme or stream name)"},
      {"IHE_XDM//evil.txt", "entry name has an empty path component"},
      {"./evil.txt", "entry name has a '.' path component"},
  };
  for (const auto& [name, message] : cases) {
    BOOST_TEST_CONTEXT(name) {
      expect_refused(build_zip({{"README.TXT", "readme"}, {name, "evil"}}), xdm::codes::kUnsafeName,
                     name, message);
    }
  }
}

BOOST_AUTO_TEST_CASE(control_characters_in_names_are_refused) {
  // libzip reads names without the UTF-8 flag as CP437: 0x01 is shown as ☺,
  // the check looks at the stored bytes.
  expect_refused(build_zip({{std::string("IHE_XDM/SUBSET01/DOC\x01.PDF"), "x"}}),
                 xdm::codes::kUnsafeName, "IHE_XDM/SUBSET01/DOC\u263A.PDF",
                 "entry name contains a control character");
}

BOOST_AUTO_TEST_CASE(a_nul_in_a_name_cannot_truncate_it) {
  // libzip turns a NUL in a stored name into a space, so the name is never
  // cut short at the NUL: the ".." after it is seen and refused.
  const std::string name("IHE_XDM/SUBSET01/DOC00001.PDF\0/../../../evil", 44);
  expect_refused(build_zip({{name, "evil"}}), xdm::codes::kUnsafeName,
                 "IHE_XDM/SUBSET01/DOC00001.PDF /../../../evil",
                 "entry name leaves its directory ('..')");
}

BOOST_AUTO_TEST_CASE(symlinks_and_special_entries_are_refused) {
  RawZipEntry link{kFirstFile, "/etc/passwd"};
  link.unix_mode = 0120777;
  expect_refused(build_zip({{"README.TXT", "readme"}, link}), xdm::codes::kSymlink, kFirstFile,
                 "entry is not a regular file or directory (Unix mode 120777)");
  RawZipEntry fifo{"IHE_XDM/FIFO", ""};
  fifo.unix_mode = 010644;
  expect_refused(build_zip({fifo}), xdm::codes::kSymlink, "IHE_XDM/FIFO",
                 "entry is not a regular file or directory (Unix mode 10644)");
}

BOOST_AUTO_TEST_CASE(directory_entries_are_accepted) {
  auto files = unzip_all(xdm::write_package(sample_package()));
  std::vector<RawZipEntry> entries;
  RawZipEntry directory{"IHE_XDM/", ""};
  directory.unix_mode = 040755;
  entries.push_back(directory);
  for (const auto& [name, bytes] : files) entries.push_back({name, bytes});
  BOOST_TEST(xdm::read_package(build_zip(entries)).size() == 1u);
}

BOOST_AUTO_TEST_CASE(duplicate_names_are_refused_even_when_only_the_case_differs) {
  expect_refused(build_zip({{"README.TXT", "one"}, {"README.TXT", "two"}}),
                 xdm::codes::kDuplicateName, "README.TXT", "entry name appears more than once");
  expect_refused(build_zip({{"README.TXT", "one"}, {"readme.txt", "two"}}),
                 xdm::codes::kDuplicateName, "readme.txt",
                 "entry name differs only by case from another entry");
}

BOOST_AUTO_TEST_CASE(more_entries_than_the_limit_are_refused) {
  xdm::Limits limits;
  limits.max_entries = 4;
  expect_refused(xdm::write_package(sample_package()), xdm::codes::kTooManyEntries, "ZIP",
                 "archive has 5 entries, more than 4", limits);
  limits.max_entries = 5;
  BOOST_TEST(xdm::read_package(xdm::write_package(sample_package()), limits).size() == 1u);
}

BOOST_AUTO_TEST_CASE(expanded_bytes_over_the_limits_are_refused) {
  const auto zip = xdm::write_package(sample_package());
  xdm::Limits limits;
  limits.max_entry_bytes = 1000;
  expect_refused(zip, xdm::codes::kTooLarge, "INDEX.HTM", "entry expands to more than 1000 bytes",
                 limits);

  // The whole package: the entry that crosses the limit is named.
  const auto files = unzip_all(zip);
  std::uint64_t total = 0;
  std::string crossing;
  for (const auto& name : zip_names(zip)) {
    total += files.at(name).size();
    if (total > 8000 && crossing.empty()) crossing = name;
  }
  BOOST_TEST_REQUIRE(!crossing.empty());
  limits = {};
  limits.max_expanded_bytes = 8000;
  expect_refused(zip, xdm::codes::kTooLarge, crossing, "package expands to more than 8000 bytes",
                 limits);
}

BOOST_AUTO_TEST_CASE(a_zip_bomb_is_refused_by_its_compression_ratio) {
  const std::string zeros(64u * 1024u * 1024u, '\0');
  const std::string compressed = deflate_raw(zeros);
  const std::string message = "entry expands more than 100 times its " +
                              std::to_string(compressed.size()) + " compressed bytes (zip bomb)";
  expect_refused(libzip_archive(kFirstFile, zeros), xdm::codes::kCompressionRatio, kFirstFile,
                 message);
  // Headers claiming 1000 bytes change nothing: bytes are counted as they
  // are inflated.
  RawZipEntry lying{kFirstFile, zeros};
  lying.deflated = compressed;
  lying.claimed_size = 1000;
  expect_refused(build_zip({lying}), xdm::codes::kCompressionRatio, kFirstFile, message);
  // Below 1 MiB expanded, a high ratio is no bomb.
  RawZipEntry small{"README.TXT", std::string(512u * 1024u, ' ')};
  small.deflated = deflate_raw(small.data);
  BOOST_TEST(small.deflated->size() * 100 < small.data.size());
  expect_refused(build_zip({small}), xdm::codes::kNoSubset, "IHE_XDM",
                 "the package has no IHE_XDM/<subset>/METADATA.XML");
}

BOOST_AUTO_TEST_CASE(encrypted_entries_are_refused) {
  RawZipEntry flagged{kFirstFile, "secret"};
  flagged.flags = 1;  // "encrypted" (traditional PKWARE)
  expect_refused(build_zip({{"README.TXT", "readme"}, flagged}), xdm::codes::kEncrypted, kFirstFile,
                 "entry is encrypted");
  BOOST_TEST_REQUIRE(libzip_can_encrypt());
  expect_refused(libzip_archive(kFirstFile, "secret", "password"), xdm::codes::kEncrypted,
                 kFirstFile, "entry is encrypted");
}

BOOST_AUTO_TEST_CASE(bytes_that_are_no_zip_are_refused) {
  expect_refused("this is not a ZIP archive at all", xdm::codes::kNotZip, "ZIP",
                 "not a ZIP archive: Not a zip archive");
  std::string zip = xdm::write_package(sample_package());
  expect_refused(zip.substr(0, zip.size() / 2), xdm::codes::kNotZip, "ZIP",
                 "not a ZIP archive: Not a zip archive");
}

BOOST_AUTO_TEST_CASE(a_corrupted_entry_is_refused) {
  // A stored entry whose bytes no longer match its CRC.
  auto zip = build_zip({{"README.TXT", "readme text"}});
  zip[30 + 10] = 'X';  // first byte of the data after the local header and name
  expect_refused(zip, xdm::codes::kNotZip, "README.TXT", "cannot inflate the entry: CRC error");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hostile_metadata)

BOOST_AUTO_TEST_CASE(a_package_without_subset_metadata_is_refused) {
  expect_refused(rezip({{"README.TXT", "x"}, {"INDEX.HTM", "<p>"}}), xdm::codes::kNoSubset,
                 "IHE_XDM", "the package has no IHE_XDM/<subset>/METADATA.XML");
  expect_refused(rezip({{"IHE_XDM/A/B/METADATA.XML", "x"}, {"METADATA.XML", "x"}}),
                 xdm::codes::kNoSubset, "IHE_XDM",
                 "the package has no IHE_XDM/<subset>/METADATA.XML");
}

BOOST_AUTO_TEST_CASE(metadata_that_is_not_ebrim_is_refused) {
  const auto with_metadata = [](const std::string& text) {
    return edited_package([&](auto& files) { files[kMetadata] = text; });
  };
  expect_refused(with_metadata("<a/>"), xdm::codes::kBadMetadata, kMetadata,
                 "root element is {}a, not an lcm:SubmitObjectsRequest");
  expect_refused(
      with_metadata("<lcm:SubmitObjectsRequest xmlns:lcm='urn:oasis:names:tc:ebxml-regrep:xsd:"
                    "lcm:3.0'/>"),
      xdm::codes::kBadMetadata, kMetadata,
      "not an ebRIM SubmitObjectsRequest: XDSRegistryMetadataError at SubmitObjectsRequest: "
      "lcm:SubmitObjectsRequest has no rim:RegistryObjectList");
  for (const std::string& text :
       {std::string("not xml at all"), std::string("<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>")}) {
    try {
      xdm::read_package(with_metadata(text));
      BOOST_ERROR("accepted " << text);
    } catch (const Failure& failure) {
      BOOST_TEST(failure.error().code == xdm::codes::kBadMetadata);
      BOOST_TEST(failure.error().location == kMetadata);
      BOOST_TEST(
          failure.error().message.rfind("not an ebRIM SubmitObjectsRequest: passerelle:", 0) == 0u,
          failure.error().message);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_uri_naming_an_absent_file_is_refused) {
  expect_refused(edited_package([](auto& files) { files.erase(kFirstFile); }),
                 xdm::codes::kMissingDocument, kFirstFile,
                 "DocumentEntry 'Document01' names 'DOC00001.PDF' in its URI slot, which is not "
                 "in the package");
  // The URI is relative to its own subset: the file in another one does not count.
  expect_refused(edited_package([](auto& files) {
                   files["IHE_XDM/SUBSET02/DOC00001.PDF"] = files.at(kFirstFile);
                   files.erase(kFirstFile);
                 }),
                 xdm::codes::kMissingDocument, kFirstFile,
                 "DocumentEntry 'Document01' names 'DOC00001.PDF' in its URI slot, which is not "
                 "in the package");
}

BOOST_AUTO_TEST_CASE(a_file_whose_hash_or_size_differs_is_refused) {
  const std::string pdf = read_fixture("xds/document01.pdf");
  std::string tampered = pdf;
  tampered[tampered.size() / 2] ^= 0x01;
  expect_refused(edited_package([&](auto& files) { files[kFirstFile] = tampered; }),
                 xdm::codes::kDocumentMismatch, kFirstFile,
                 "DocumentEntry 'Document01': hash slot says " + sha1_hex(pdf) +
                     ", the file's SHA-1 is " + sha1_hex(tampered));
  expect_refused(edited_package([&](auto& files) { files[kFirstFile] = pdf + "x"; }),
                 xdm::codes::kDocumentMismatch, kFirstFile,
                 "DocumentEntry 'Document01': size slot says " + std::to_string(pdf.size()) +
                     ", the file has " + std::to_string(pdf.size() + 1) + " bytes");
}

BOOST_AUTO_TEST_CASE(a_uri_leaving_the_subset_directory_is_refused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"../../README.TXT", "leaves its directory ('..')"},
      {"/etc/passwd", "is an absolute path"},
      {"file:///etc/passwd", "contains ':' (a drive letter, scheme or stream name)"},
      {"..\\README.TXT", "contains a backslash"},
  };
  for (const auto& [uri, reason] : cases) {
    BOOST_TEST_CONTEXT(uri) {
      const auto zip = edited_package([&](auto& files) {
        files[kMetadata] = replace_all(files.at(kMetadata), "<rim:Value>DOC00001.PDF</rim:Value>",
                                       "<rim:Value>" + xml::escape(uri) + "</rim:Value>");
      });
      expect_refused(zip, xdm::codes::kUnsafeName, kSubset + "/" + uri,
                     "DocumentEntry 'Document01': URI slot '" + uri + "' " + reason);
    }
  }
}

BOOST_AUTO_TEST_CASE(one_bad_lot_refuses_the_whole_package) {
  auto package = sample_package();
  package.lots.push_back(package.lots.front());
  auto files = unzip_all(xdm::write_package(package));
  files.erase("IHE_XDM/SUBSET02/DOC00004.PDF");
  expect_refused(rezip(files), xdm::codes::kMissingDocument, "IHE_XDM/SUBSET02/DOC00004.PDF",
                 "DocumentEntry 'Document02' names 'DOC00004.PDF' in its URI slot, which is not "
                 "in the package");
}

BOOST_AUTO_TEST_CASE(other_subset_names_and_letter_cases_are_read) {
  auto files = unzip_all(xdm::write_package(sample_package()));
  std::map<std::string, std::string> renamed;
  for (auto& [name, bytes] : files) {
    std::string target = name;
    if (name == kMetadata)
      target = "ihe_xdm/SUBSET001/metadata.xml";
    else if (name.rfind(kSubset, 0) == 0)
      target = "ihe_xdm/SUBSET001" + name.substr(kSubset.size());
    renamed[target] = bytes;
  }
  const auto lots = xdm::read_package(rezip(renamed));
  BOOST_TEST_REQUIRE(lots.size() == 1u);
  BOOST_TEST(lots.front().subset == "ihe_xdm/SUBSET001");
  BOOST_TEST(lots.front().documents.size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(nist_sample)

// The NIST testkit's XDM media (tests/11965): two subsets named SUBSET001
// and SUBSET002, metadata in ebXML RIM 2.1 as XDM media carried it before
// ebRIM 3.0.
BOOST_AUTO_TEST_CASE(nist_xdm_sample_is_read) {
  const std::filesystem::path root =
      std::filesystem::path(PASSERELLE_SHARED_DIR) / "corpus/nist-testkit/tests/11965";
  if (!std::filesystem::is_directory(root)) {
    BOOST_TEST_MESSAGE("skipped: " << root.string() << " is absent");
    return;
  }
  std::map<std::string, std::string> files;
  for (const auto& item : std::filesystem::recursive_directory_iterator(root)) {
    if (!item.is_regular_file()) continue;
    std::ifstream in(item.path(), std::ios::binary);
    files[std::filesystem::relative(item.path(), root).generic_string()] =
        std::string(std::istreambuf_iterator<char>(in), {});
  }
  const std::string cda = files.at("IHE_XDM/SUBSET001/CDA.XML");
  BOOST_TEST_REQUIRE(cda.size() == 52898u);

  // As shipped in the corpus the CDA files lost their original line ends
  // (54449 bytes in the metadata, 52898 on disk), so the metadata's size and
  // hash no longer describe them: the package must be refused for it.
  expect_refused(rezip(files), xdm::codes::kDocumentMismatch, "IHE_XDM/SUBSET001/CDA.XML",
                 "DocumentEntry 'Document01': size slot says 54449, the file has 52898 bytes");

  // With the slots describing the files as they are now, the sample reads.
  for (const char* subset : {"IHE_XDM/SUBSET001/METADATA.XML", "IHE_XDM/SUBSET002/METADATA.XML"}) {
    auto& metadata = files.at(subset);
    metadata = replace_all(metadata, "<Value>54449</Value>", "<Value>52898</Value>");
    metadata = replace_all(metadata, "4cf4f82d78b5e2aac35c31bca8cb79fe6bd6a41e", sha1_hex(cda));
  }
  const auto lots = xdm::read_package(rezip(files));
  BOOST_TEST_REQUIRE(lots.size() == 2u);
  BOOST_TEST(lots[0].subset == "IHE_XDM/SUBSET001");
  BOOST_TEST(lots[1].subset == "IHE_XDM/SUBSET002");
  BOOST_TEST_REQUIRE(lots[0].documents.size() == 1u);
  BOOST_TEST(lots[0].documents[0].file_name == "IHE_XDM/SUBSET001/CDA.XML");
  BOOST_TEST(lots[0].documents[0].bytes == cda);
  BOOST_TEST(lots[0].documents[0].mime_type == "text/xml");
  BOOST_TEST_REQUIRE(lots[1].documents.size() == 2u);
  BOOST_TEST(lots[1].documents[1].file_name == "IHE_XDM/SUBSET002/CDA_2.XML");

  // The 2.1 objects read as their 3.0 equivalents, without the ObjectRef
  // declarations of classification schemes (not objects to register).
  for (const auto& object : lots[0].request.objects) {
    BOOST_TEST(object.element_name != "ObjectRef", object.id);
    BOOST_TEST(!object.id.empty());
  }
  const auto submission = registry::read_submission(lots[0].request);
  BOOST_TEST_REQUIRE(submission.submission_sets.size() == 1u);
  BOOST_TEST(submission.submission_sets[0].unique_id == "1.3.6.1.4.1.21367.2005.3.998.2");
  BOOST_TEST_REQUIRE(submission.documents.size() == 1u);
  BOOST_TEST(submission.documents[0].unique_id == "1.3.6.1.4.1.21367.2005.3.998.1");
  BOOST_TEST(submission.documents[0].patient_id == "XDM-test-1^^^&1.3.6.1.4.1.21367.2005.3.7&ISO");
  BOOST_TEST_REQUIRE(!submission.associations.empty());
  BOOST_TEST(submission.associations[0].type ==
             "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember");
}

BOOST_AUTO_TEST_SUITE_END()

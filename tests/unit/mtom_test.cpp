#define BOOST_TEST_MODULE mtom
#include "passerelle/soap/mtom.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <new>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/soap/attachment.hpp"

// Live heap bytes, so tests can show that a spilled part is not also kept in
// memory. Replacing the global allocator is the only way to see allocations
// made inside the library; it is confined to this test executable.
namespace heap {
std::atomic<std::int64_t> live{0};
std::atomic<std::int64_t> peak{0};

constexpr std::size_t kHeader = alignof(std::max_align_t);

void* allocate(std::size_t size) {
  // The allocator itself cannot use RAII or operator new.
  // NOLINTNEXTLINE(cppcoreguidelines-no-malloc,cppcoreguidelines-owning-memory)
  auto* raw = static_cast<unsigned char*>(std::malloc(size + kHeader));
  if (raw == nullptr) return nullptr;
  *reinterpret_cast<std::size_t*>(raw) = size;
  const std::int64_t now =
      live.fetch_add(static_cast<std::int64_t>(size)) + static_cast<std::int64_t>(size);
  std::int64_t seen = peak.load();
  while (now > seen && !peak.compare_exchange_weak(seen, now)) {
  }
  return raw + kHeader;
}

void release(void* p) {
  if (p == nullptr) return;
  auto* raw = static_cast<unsigned char*>(p) - kHeader;
  live.fetch_sub(static_cast<std::int64_t>(*reinterpret_cast<std::size_t*>(raw)));
  std::free(raw);  // NOLINT(cppcoreguidelines-no-malloc,cppcoreguidelines-owning-memory)
}

// Peak growth of live bytes while `fn` runs.
std::int64_t peak_growth(const std::function<void()>& fn) {
  const std::int64_t base = live.load();
  peak.store(base);
  fn();
  return peak.load() - base;
}
}  // namespace heap

void* operator new(std::size_t size) {
  void* p = heap::allocate(size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return heap::allocate(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return heap::allocate(size);
}
void operator delete(void* p) noexcept { heap::release(p); }
void operator delete[](void* p) noexcept { heap::release(p); }
void operator delete(void* p, std::size_t) noexcept { heap::release(p); }
void operator delete[](void* p, std::size_t) noexcept { heap::release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { heap::release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { heap::release(p); }

namespace {

using passerelle::Failure;
using passerelle::soap::Attachment;
using passerelle::soap::MtomLimits;
using passerelle::soap::MtomMessage;
using passerelle::soap::MtomParser;
using passerelle::soap::parse_media_type;
namespace codes = passerelle::codes;
namespace fs = std::filesystem;

constexpr std::size_t kKiB = 1024;
constexpr std::size_t kMiB = 1024 * kKiB;
constexpr std::int64_t kHeapMiB = std::int64_t{1024} * 1024;

constexpr const char* kSha1Empty = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
constexpr const char* kSha1Abc = "a9993e364706816aba3e25717850c26c9cd0d89d";

const std::string& standard_content_type() {
  static const std::string value =
      "multipart/related; type=\"application/xop+xml\"; boundary=\"MIMEBoundary_x\"; "
      "start=\"<root@x>\"; start-info=\"application/soap+xml\"";
  return value;
}
const std::string& envelope() {
  static const std::string value =
      "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"/>";
  return value;
}
// Looks like a delimiter for a while, contains CR and LF.
const std::string& tricky() {
  static const std::string value = "a\r\n--MIMEBoundary_y\r\n--MIMEBoundary\n-\r\n\r-";
  return value;
}

std::string body_with(const std::string& eol) {
  return "--MIMEBoundary_x" + eol +
         "Content-Type: application/xop+xml; charset=UTF-8; type=\"application/soap+xml\"" + eol +
         "Content-Transfer-Encoding: binary" + eol + "Content-ID: <root@x>" + eol + eol +
         envelope() + eol + "--MIMEBoundary_x" + eol + "Content-Type: text/plain" + eol +
         "Content-ID: <abc@x>" + eol + eol + "abc" + eol + "--MIMEBoundary_x" + eol +
         "content-type: application/octet-stream" + eol + "CONTENT-ID: <tricky@x>" + eol + eol +
         tricky() + eol + "--MIMEBoundary_x--" + eol;
}

// A scratch spool directory, removed with its contents afterwards.
struct SpoolDir {
  fs::path path;
  SpoolDir() {
    path = fs::temp_directory_path() /
           ("passerelle-mtom-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(path);
  }
  ~SpoolDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  bool empty() const { return fs::is_empty(path); }
};

MtomLimits limits_in(const fs::path& dir) {
  MtomLimits limits;
  limits.spool_dir = dir;
  return limits;
}

// chunk == 0 feeds the whole body at once.
MtomMessage parse(const std::string& content_type, const std::string& body, std::size_t chunk = 0,
                  MtomLimits limits = MtomLimits{}) {
  MtomParser parser(parse_media_type(content_type), std::move(limits));
  if (chunk == 0) {
    parser.feed(body);
  } else {
    for (std::size_t at = 0; at < body.size(); at += chunk) parser.feed(body.substr(at, chunk));
  }
  return parser.finish();
}

void check_failure(const std::function<void()>& fn, const std::string& code,
                   const std::string& location, const std::string& message_part) {
  try {
    fn();
  } catch (const Failure& failure) {
    BOOST_TEST(failure.error().code == code);
    BOOST_TEST(failure.error().location == location);
    BOOST_TEST(failure.error().message.find(message_part) != std::string::npos,
               "message '" << failure.error().message << "' lacks '" << message_part << "'");
    return;
  }
  BOOST_FAIL("expected Failure " << code << " at " << location);
}

void check_standard(const MtomMessage& message) {
  BOOST_TEST(message.root == envelope());
  BOOST_TEST(message.root_type.type == "application/xop+xml");
  BOOST_TEST(message.root_type.param("type") == "application/soap+xml");
  BOOST_TEST(message.root_type.param("charset") == "UTF-8");
  BOOST_REQUIRE_EQUAL(message.attachments.size(), 2u);
  const auto& abc = *message.attachments[0];
  BOOST_TEST(abc.content_id() == "abc@x");
  BOOST_TEST(abc.content_type() == "text/plain");
  BOOST_TEST(abc.size() == 3u);
  BOOST_TEST(abc.sha1_hex() == kSha1Abc);
  BOOST_TEST(abc.read_all() == "abc");
  BOOST_TEST(!abc.spilled());
  const auto& second = *message.attachments[1];
  BOOST_TEST(second.content_id() == "tricky@x");
  BOOST_TEST(second.content_type() == "application/octet-stream");
  BOOST_TEST(second.read_all() == tricky());
  BOOST_TEST(second.size() == tricky().size());
}

void check_same(const MtomMessage& a, const MtomMessage& b) {
  BOOST_TEST(a.root == b.root);
  BOOST_TEST(a.root_type.type == b.root_type.type);
  BOOST_TEST((a.root_type.params == b.root_type.params));
  BOOST_REQUIRE_EQUAL(a.attachments.size(), b.attachments.size());
  for (std::size_t i = 0; i < a.attachments.size(); ++i) {
    BOOST_TEST(a.attachments[i]->content_id() == b.attachments[i]->content_id());
    BOOST_TEST(a.attachments[i]->content_type() == b.attachments[i]->content_type());
    BOOST_TEST(a.attachments[i]->sha1_hex() == b.attachments[i]->sha1_hex());
    BOOST_TEST(a.attachments[i]->read_all() == b.attachments[i]->read_all());
  }
}

std::string big_content() {
  std::string out(5 * kMiB, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<char>((i * 7 + (i >> 10)));
  return out;
}

std::string simple_body(const std::string& attachment_headers, const std::string& content) {
  return "--MIMEBoundary_x\r\nContent-ID: <root@x>\r\n\r\n" + envelope() +
         "\r\n--MIMEBoundary_x\r\n" + attachment_headers + "\r\n\r\n" + content +
         "\r\n--MIMEBoundary_x--\r\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(parsing)

BOOST_AUTO_TEST_CASE(crlf_body) {
  check_standard(parse(standard_content_type(), body_with("\r\n")));
}

BOOST_AUTO_TEST_CASE(lf_only_body) {
  check_standard(parse(standard_content_type(), body_with("\n")));
}

BOOST_AUTO_TEST_CASE(keeps_the_whole_content_type) {
  const MtomMessage message = parse(standard_content_type(), body_with("\r\n"));
  BOOST_TEST(message.content_type.type == "multipart/related");
  BOOST_TEST(message.content_type.param("start-info") == "application/soap+xml");
}

BOOST_AUTO_TEST_CASE(content_type_variants) {
  // NOLINTBEGIN(bugprone-suspicious-missing-comma): long values split on purpose
  const std::vector<std::string> variants = {
      "Multipart/Related;start=\"<root@x>\";type=\"application/xop+xml\";"
      "BOUNDARY=MIMEBoundary_x;start-info=\"application/soap+xml\"",
      "multipart/related; boundary=MIMEBoundary_x; type=application/xop+xml; start=<root@x>;",
      "multipart/related;\tstart = \"root@x\" ; boundary = \"MIMEBoundary_x\"",
      "multipart/related; type=\"application/xop+xml\"; boundary=\"MIMEBoundary_x\"; "
      "start=\"<root@x>\"; start-info=\"application/soap+xml\"; "
      "action=\"urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b\"",
      "multipart/related; type=\"application/xop+xml\"; boundary=\"MIMEBoundary_x\"; "
      "start=\"<root@x>\"; start-info=\"application/soap+xml; "
      "action=\\\"urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b\\\"\"",
  };
  // NOLINTEND(bugprone-suspicious-missing-comma)
  for (const auto& variant : variants) {
    BOOST_TEST_CONTEXT(variant) { check_standard(parse(variant, body_with("\r\n"))); }
  }
  const MtomMessage with_action = parse(variants[3], body_with("\r\n"));
  BOOST_TEST(with_action.content_type.param("action") ==
             "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b");
}

BOOST_AUTO_TEST_CASE(missing_start_makes_first_part_root) {
  check_standard(parse("multipart/related; type=\"application/xop+xml\"; boundary=MIMEBoundary_x",
                       body_with("\r\n")));
}

BOOST_AUTO_TEST_CASE(start_selects_a_later_part) {
  const std::string body =
      "--MIMEBoundary_x\r\nContent-ID: <abc@x>\r\n\r\nabc\r\n"
      "--MIMEBoundary_x\r\nContent-ID: <root@x>\r\nContent-Type: application/xop+xml\r\n\r\n" +
      envelope() + "\r\n--MIMEBoundary_x--";
  const MtomMessage message = parse(standard_content_type(), body);
  BOOST_TEST(message.root == envelope());
  BOOST_TEST(message.root_type.type == "application/xop+xml");
  BOOST_REQUIRE_EQUAL(message.attachments.size(), 1u);
  BOOST_TEST(message.attachments[0]->content_id() == "abc@x");
}

BOOST_AUTO_TEST_CASE(content_id_without_angle_brackets) {
  const std::string body = simple_body("Content-ID: abc@x", "abc");
  const std::string no_brackets =
      body.substr(0, body.find("<root@x>")) + "root@x" + body.substr(body.find("<root@x>") + 8);
  const MtomMessage message = parse(standard_content_type(), no_brackets);
  BOOST_TEST(message.root == envelope());
  BOOST_REQUIRE_EQUAL(message.attachments.size(), 1u);
  BOOST_TEST(message.attachments[0]->content_id() == "abc@x");
}

BOOST_AUTO_TEST_CASE(percent_encoded_content_ids_are_decoded) {
  const MtomMessage message =
      parse("multipart/related; boundary=MIMEBoundary_x; start=\"<root%40x>\"",
            simple_body("Content-ID: <a%40b%2Fc>", "abc"));
  BOOST_TEST(message.root == envelope());
  BOOST_REQUIRE_EQUAL(message.attachments.size(), 1u);
  BOOST_TEST(message.attachments[0]->content_id() == "a@b/c");
}

BOOST_AUTO_TEST_CASE(folded_headers) {
  const MtomMessage message = parse(
      standard_content_type(), simple_body("Content-Type: application/pdf;\r\n\tname=\"x.pdf\"\r\n"
                                           "Content-ID:\r\n <abc@x>",
                                           "abc"));
  BOOST_REQUIRE_EQUAL(message.attachments.size(), 1u);
  BOOST_TEST(message.attachments[0]->content_id() == "abc@x");
  BOOST_TEST(message.attachments[0]->content_type() == "application/pdf; name=\"x.pdf\"");
}

BOOST_AUTO_TEST_CASE(preamble_and_epilogue_are_ignored) {
  const std::string body = "This is a preamble\r\n--MIMEBoundary_ fake\r\n" + body_with("\r\n") +
                           "epilogue --MIMEBoundary_x\r\nContent-ID: <ignored>\r\n\r\nx";
  check_standard(parse(standard_content_type(), body));
  check_standard(parse(standard_content_type(), "\r\n" + body_with("\r\n")));
}

BOOST_AUTO_TEST_CASE(transport_padding_after_boundary) {
  std::string body = body_with("\r\n");
  body.replace(body.find("MIMEBoundary_x\r\n") + 14, 0, " \t");
  check_standard(parse(standard_content_type(), body));
}

BOOST_AUTO_TEST_CASE(chunked_feeding_matches_one_shot) {
  const std::string body = body_with("\r\n");
  const MtomMessage whole = parse(standard_content_type(), body);
  for (const std::size_t chunk : {1u, 2u, 3u, 5u, 16u, 17u, 64u}) {
    BOOST_TEST_CONTEXT("chunk " << chunk) {
      const MtomMessage pieces = parse(standard_content_type(), body, chunk);
      check_standard(pieces);
      check_same(whole, pieces);
    }
  }
  check_same(parse(standard_content_type(), body_with("\n")),
             parse(standard_content_type(), body_with("\n"), 1));
}

BOOST_AUTO_TEST_CASE(content_ending_in_cr_keeps_it_with_crlf_delimiters) {
  for (const std::size_t chunk : {0u, 1u}) {
    const MtomMessage message =
        parse(standard_content_type(), simple_body("Content-ID: <cr@x>", "x\r\r"), chunk);
    BOOST_REQUIRE_EQUAL(message.attachments.size(), 1u);
    BOOST_TEST(message.attachments[0]->read_all() == "x\r\r");
  }
}

BOOST_AUTO_TEST_CASE(empty_attachment_is_valid) {
  // Both spellings: a blank line then the delimiter's own line break, and
  // the short form where the blank line's break doubles as the delimiter's.
  for (const std::string& gap : {std::string("\r\n"), std::string()}) {
    std::string body = "--MIMEBoundary_x\r\nContent-ID: <root@x>\r\n\r\n";
    body += envelope();
    body += "\r\n--MIMEBoundary_x\r\nContent-ID: <empty@x>\r\n\r\n";
    body += gap;
    body += "--MIMEBoundary_x\r\nContent-ID: <abc@x>\r\n\r\nabc\r\n--MIMEBoundary_x--";
    for (const std::size_t chunk : {0u, 1u}) {
      const MtomMessage message = parse(standard_content_type(), body, chunk);
      BOOST_REQUIRE_EQUAL(message.attachments.size(), 2u);
      const auto& empty = *message.attachments[0];
      BOOST_TEST(empty.content_id() == "empty@x");
      BOOST_TEST(empty.size() == 0u);
      BOOST_TEST(empty.sha1_hex() == kSha1Empty);
      BOOST_TEST(empty.read_all().empty());
      BOOST_TEST(message.attachments[1]->read_all() == "abc");
    }
  }
}

BOOST_AUTO_TEST_CASE(base64_parts_are_decoded_while_streaming) {
  const std::string body = simple_body("Content-ID: <b64@x>\r\nContent-Transfer-Encoding: BASE64",
                                       "aGVs\r\nbG8g\r\nd29y\r\nbGQ=");
  for (const std::size_t chunk : {0u, 1u, 3u}) {
    const MtomMessage message = parse(standard_content_type(), body, chunk);
    BOOST_REQUIRE_EQUAL(message.attachments.size(), 1u);
    BOOST_TEST(message.attachments[0]->read_all() == "hello world");
    BOOST_TEST(message.attachments[0]->sha1_hex() == "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed");
  }
}

BOOST_AUTO_TEST_CASE(large_part_spills_to_disk_without_a_memory_copy) {
  SpoolDir spool;
  const std::string content = big_content();
  const std::string body = simple_body("Content-ID: <big@x>", content);
  MtomParser parser(parse_media_type(standard_content_type()), limits_in(spool.path));
  std::shared_ptr<const Attachment> big;
  // Fed like the HTTP layer does, in socket-sized chunks.
  const std::int64_t growth = heap::peak_growth([&] {
    for (std::size_t at = 0; at < body.size(); at += 16 * kKiB) {
      parser.feed(std::string_view(body).substr(at, 16 * kKiB));
    }
    MtomMessage message = parser.finish();
    BOOST_REQUIRE_EQUAL(message.attachments.size(), 1u);
    big = message.attachments[0];
  });
  BOOST_TEST(big->spilled());
  BOOST_TEST(big->size() == content.size());
  BOOST_TEST(big->sha1_hex() == "919376fa4f4d4a08b775c6244259784cb94ff6fa");
  // The 1 MiB threshold buffer plus its last reallocation and the parser's
  // slice buffer; the 5 MiB part itself must never be in memory.
  BOOST_TEST(growth < 2 * kHeapMiB, "peak heap growth " << growth);
  BOOST_TEST(spool.empty(), "spool file must be unnamed");
  BOOST_TEST(big->read_all() == content);
  std::string chunks;
  big->for_each_chunk([&](std::string_view chunk) { chunks += chunk; });
  BOOST_TEST(chunks == content);
}

BOOST_AUTO_TEST_CASE(root_stays_in_memory_even_when_large) {
  SpoolDir spool;
  MtomLimits limits = limits_in(spool.path);
  limits.spill_threshold = 4;
  const MtomMessage message =
      parse(standard_content_type(), simple_body("Content-ID: <abc@x>", "abcdefgh"), 0, limits);
  BOOST_TEST(message.root == envelope());
  BOOST_TEST(message.attachments[0]->spilled());
  BOOST_TEST(message.attachments[0]->read_all() == "abcdefgh");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(malformed)

BOOST_AUTO_TEST_CASE(missing_boundary) {
  check_failure(
      [] { MtomParser(parse_media_type("multipart/related; type=\"application/xop+xml\""), {}); },
      codes::kMalformedMime, "Content-Type", "boundary");
}

BOOST_AUTO_TEST_CASE(not_multipart_related) {
  check_failure([] { MtomParser(parse_media_type("multipart/mixed; boundary=b"), {}); },
                codes::kMalformedMime, "Content-Type", "multipart/related");
}

BOOST_AUTO_TEST_CASE(no_parts) {
  check_failure([] { parse(standard_content_type(), "just some text\r\n"); }, codes::kMalformedMime,
                "MIME body", "no parts");
  check_failure([] { parse(standard_content_type(), "--MIMEBoundary_x--\r\n"); },
                codes::kMalformedMime, "MIME body", "no parts");
}

BOOST_AUTO_TEST_CASE(truncated_part) {
  std::string body = body_with("\r\n");
  body.resize(body.find("abc\r\n") + 2);
  check_failure([&] { parse(standard_content_type(), body); }, codes::kMalformedMime,
                "MIME part 2 <abc@x>", "no closing delimiter");
  check_failure([&] { parse(standard_content_type(), body, 1); }, codes::kMalformedMime,
                "MIME part 2 <abc@x>", "no closing delimiter");
  // Cut inside headers and right after a delimiter.
  check_failure([] { parse(standard_content_type(), "--MIMEBoundary_x\r\nContent-ID: <ro"); },
                codes::kMalformedMime, "MIME part 1", "no closing delimiter");
  check_failure([] { parse(standard_content_type(), "--MIMEBoundary_x"); }, codes::kMalformedMime,
                "MIME part 1", "no closing delimiter");
}

BOOST_AUTO_TEST_CASE(unknown_start) {
  check_failure(
      [] {
        parse("multipart/related; boundary=MIMEBoundary_x; start=\"<nope@x>\"", body_with("\r\n"));
      },
      codes::kMalformedMime, "Content-Type", "<nope@x>");
}

BOOST_AUTO_TEST_CASE(duplicate_content_id) {
  std::string body = body_with("\r\n");
  body.replace(body.find("tricky@x"), 8, "abc@x");
  check_failure([&] { parse(standard_content_type(), body); }, codes::kMalformedMime,
                "MIME part 3 <abc@x>", "duplicate Content-ID");
  // Same id once with and once without percent-encoding.
  body = body_with("\r\n");
  body.replace(body.find("tricky@x"), 8, "abc%40x");
  check_failure([&] { parse(standard_content_type(), body); }, codes::kMalformedMime,
                "MIME part 3 <abc@x>", "duplicate Content-ID");
}

BOOST_AUTO_TEST_CASE(empty_root_is_an_error) {
  const std::string body =
      "--MIMEBoundary_x\r\nContent-ID: <root@x>\r\n\r\n\r\n--MIMEBoundary_x--\r\n";
  check_failure([&] { parse(standard_content_type(), body); }, codes::kMalformedMime,
                "MIME part 1 <root@x>", "root part is empty");
}

BOOST_AUTO_TEST_CASE(too_many_parts) {
  MtomLimits limits;
  limits.max_parts = 2;
  check_failure([&] { parse(standard_content_type(), body_with("\r\n"), 0, limits); },
                codes::kMalformedMime, "MIME part 3", "more than 2 MIME parts");
  limits.max_parts = 3;
  check_standard(parse(standard_content_type(), body_with("\r\n"), 0, limits));
}

BOOST_AUTO_TEST_CASE(header_too_large) {
  MtomLimits limits;
  limits.max_part_header_bytes = 200;
  const std::string body = simple_body("X-Padding: " + std::string(300, 'p'), "abc");
  check_failure([&] { parse(standard_content_type(), body, 0, limits); }, codes::kMalformedMime,
                "MIME part 2", "part headers exceed 200 bytes");
  // A header line that never ends must not grow the buffer either.
  check_failure([&] { parse(standard_content_type(), body, 1, limits); }, codes::kMalformedMime,
                "MIME part 2", "part headers exceed 200 bytes");
  limits.max_part_header_bytes = 400;
  BOOST_TEST(parse(standard_content_type(), body, 0, limits).attachments.size() == 1u);
}

BOOST_AUTO_TEST_CASE(part_without_headers_or_separator) {
  const std::string root = "--MIMEBoundary_x\r\nContent-ID: <root@x>\r\n\r\n" + envelope();
  check_failure(
      [&] {
        parse(standard_content_type(),
              root + "\r\n--MIMEBoundary_x\r\n\r\nabc\r\n--MIMEBoundary_x--");
      },
      codes::kMalformedMime, "MIME part 2", "part without headers");
  // No blank line between headers and content.
  check_failure(
      [&] {
        parse(standard_content_type(),
              root + "\r\n--MIMEBoundary_x\r\nContent-ID: <abc@x>\r\nabc\r\n--MIMEBoundary_x--");
      },
      codes::kMalformedMime, "MIME part 2", "header line without");
}

BOOST_AUTO_TEST_CASE(garbage_after_boundary) {
  std::string body = body_with("\r\n");
  body.replace(body.find("--MIMEBoundary_x\r\nContent-Type: text/plain") + 16, 0, "zz");
  check_failure([&] { parse(standard_content_type(), body); }, codes::kMalformedMime, "MIME part 2",
                "after boundary");
}

BOOST_AUTO_TEST_CASE(root_too_large) {
  MtomLimits limits;
  limits.max_root_bytes = 10;
  check_failure([&] { parse(standard_content_type(), body_with("\r\n"), 1, limits); },
                codes::kMalformedMime, "MIME part 1 <root@x>", "root part exceeds 10 bytes");
}

BOOST_AUTO_TEST_CASE(unsupported_transfer_encoding) {
  check_failure(
      [] {
        parse(standard_content_type(),
              simple_body("Content-ID: <q@x>\r\nContent-Transfer-Encoding: quoted-printable", "a"));
      },
      codes::kMalformedMime, "MIME part 2 <q@x>", "quoted-printable");
  check_failure(
      [] {
        parse(standard_content_type(),
              simple_body("Content-ID: <q@x>\r\nContent-Transfer-Encoding: base64", "ab!c"));
      },
      codes::kMalformedMime, "MIME part 2 <q@x>", "base64");
}

BOOST_AUTO_TEST_CASE(parser_stays_failed) {
  MtomLimits limits;
  limits.max_parts = 1;
  MtomParser parser(parse_media_type(standard_content_type()), limits);
  check_failure([&] { parser.feed(body_with("\r\n")); }, codes::kMalformedMime, "MIME part 2",
                "more than 1");
  check_failure([&] { parser.feed(""); }, codes::kMalformedMime, "MIME part 2", "more than 1");
  check_failure([&] { parser.finish(); }, codes::kMalformedMime, "MIME part 2", "more than 1");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(attachment)

BOOST_AUTO_TEST_CASE(from_bytes_hashes) {
  const auto attachment = Attachment::from_bytes("id@x", "text/plain", "abc");
  BOOST_TEST(attachment->sha1_hex() == kSha1Abc);
  BOOST_TEST(attachment->size() == 3u);
  BOOST_TEST(!attachment->spilled());
  BOOST_TEST(Attachment::from_bytes("e", "", "")->sha1_hex() == kSha1Empty);
}

BOOST_AUTO_TEST_CASE(builder_spills_only_past_the_threshold) {
  SpoolDir spool;
  for (const std::size_t extra : {0u, 1u}) {
    Attachment::Builder builder("id@x", "", 8, spool.path);
    builder.append("abcd");
    builder.append(std::string(4 + extra, 'e'));
    BOOST_TEST(builder.size() == 8u + extra);
    const auto attachment = std::move(builder).finish();
    BOOST_TEST(attachment->spilled() == (extra == 1));
    BOOST_TEST(attachment->read_all() == "abcd" + std::string(4 + extra, 'e'));
  }
  BOOST_TEST(spool.empty());
}

BOOST_AUTO_TEST_CASE(builder_releases_memory_when_spilling) {
  SpoolDir spool;
  const std::string content = big_content();
  Attachment::Builder builder("big@x", "", kMiB, spool.path);
  const std::int64_t base = heap::live.load();
  const std::int64_t growth = heap::peak_growth([&] {
    for (std::size_t at = 0; at < content.size(); at += 1000) {
      builder.append(std::string_view(content).substr(at, 1000));
    }
  });
  // The 1 MiB buffer existed (with one reallocation) and is gone after the
  // spill; only a bounded write buffer may remain.
  BOOST_TEST(growth > kHeapMiB, "peak heap growth " << growth);
  BOOST_TEST(growth < 2 * kHeapMiB, "peak heap growth " << growth);
  BOOST_TEST(heap::live.load() - base < kHeapMiB / 8, "live growth " << heap::live.load() - base);
  const auto attachment = std::move(builder).finish();
  BOOST_TEST(attachment->spilled());
  BOOST_TEST(attachment->sha1_hex() == "919376fa4f4d4a08b775c6244259784cb94ff6fa");
  BOOST_TEST(attachment->read_all() == content);
}

BOOST_AUTO_TEST_CASE(concurrent_readers_of_a_spilled_attachment) {
  SpoolDir spool;
  const std::string content = big_content().substr(0, 300 * kKiB);
  Attachment::Builder builder("id@x", "", 1024, spool.path);
  builder.append(content);
  const auto attachment = std::move(builder).finish();
  BOOST_REQUIRE(attachment->spilled());
  std::vector<int> ok(4, 0);
  {
    std::vector<std::jthread> readers;
    for (std::size_t i = 0; i < ok.size(); ++i) {
      readers.emplace_back([&, i] {
        bool same = true;
        for (int round = 0; round < 5; ++round) same = same && attachment->read_all() == content;
        ok[i] = same ? 1 : 0;
      });
    }
  }
  for (const int result : ok) BOOST_TEST(result == 1);
}

BOOST_AUTO_TEST_CASE(spool_failure_is_an_internal_error) {
  Attachment::Builder builder("id@x", "", 2, "/nonexistent/passerelle/spool");
  builder.append("ab");
  check_failure([&] { builder.append("c"); }, codes::kInternalError, "id@x", "spool file");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(writer)

BOOST_AUTO_TEST_CASE(round_trip) {
  SpoolDir spool;
  const std::string action = "urn:ihe:iti:2007:RetrieveDocumentSetResponse \"q\\";
  const std::vector<std::shared_ptr<const Attachment>> attachments = {
      Attachment::from_bytes("doc1@passerelle", "application/pdf", tricky()),
      Attachment::from_bytes("empty@passerelle", "", ""),
      Attachment::from_bytes("abc@passerelle", "text/plain", "abc"),
  };
  const auto written = passerelle::soap::write_mtom(envelope(), action, attachments);
  const auto type = parse_media_type(written.content_type);
  BOOST_TEST(type.type == "multipart/related");
  BOOST_TEST(type.param("type") == "application/xop+xml");
  BOOST_TEST(type.param("start") == "<root.message@passerelle>");
  BOOST_TEST(type.param("start-info") == "application/soap+xml");
  BOOST_TEST(type.param("action") == action);
  BOOST_TEST(type.param("boundary").size() > 20u);

  for (const std::size_t chunk : {0u, 1u, 7u}) {
    const MtomMessage message = parse(written.content_type, written.body, chunk);
    BOOST_TEST(message.root == envelope());
    BOOST_TEST(message.root_type.type == "application/xop+xml");
    BOOST_TEST(message.root_type.param("charset") == "UTF-8");
    const auto inner = parse_media_type(message.root_type.param("type"));
    BOOST_TEST(inner.type == "application/soap+xml");
    BOOST_TEST(inner.param("action") == action);
    BOOST_REQUIRE_EQUAL(message.attachments.size(), attachments.size());
    for (std::size_t i = 0; i < attachments.size(); ++i) {
      BOOST_TEST(message.attachments[i]->content_id() == attachments[i]->content_id());
      BOOST_TEST(message.attachments[i]->sha1_hex() == attachments[i]->sha1_hex());
      BOOST_TEST(message.attachments[i]->read_all() == attachments[i]->read_all());
    }
    BOOST_TEST(message.attachments[0]->content_type() == "application/pdf");
    BOOST_TEST(message.attachments[1]->content_type() == "application/octet-stream");
  }
}

BOOST_AUTO_TEST_CASE(spilled_attachments_and_fresh_boundaries) {
  SpoolDir spool;
  Attachment::Builder builder("big@x", "application/octet-stream", 1024, spool.path);
  const std::string content = big_content().substr(0, 200 * kKiB);
  builder.append(content);
  const std::vector<std::shared_ptr<const Attachment>> attachments = {std::move(builder).finish()};
  const auto first = passerelle::soap::write_mtom(envelope(), "urn:a", attachments);
  const auto second = passerelle::soap::write_mtom(envelope(), "urn:a", attachments);
  BOOST_TEST(parse_media_type(first.content_type).param("boundary") !=
             parse_media_type(second.content_type).param("boundary"));
  const MtomMessage message = parse(first.content_type, first.body);
  BOOST_REQUIRE_EQUAL(message.attachments.size(), 1u);
  BOOST_TEST(message.attachments[0]->read_all() == content);
}

BOOST_AUTO_TEST_CASE(refuses_header_injection) {
  check_failure([] { passerelle::soap::write_mtom(envelope(), "urn:a\r\nX-Evil: 1", {}); },
                codes::kInternalError, "action", "line break");
}

BOOST_AUTO_TEST_SUITE_END()

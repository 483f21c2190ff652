#pragma once

// MTOM/XOP (multipart/related; type="application/xop+xml") request bodies,
// parsed as they stream in: the HTTP layer feeds chunks as they arrive and
// each part is hashed and, when large, spilled to disk while being read.

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "passerelle/soap/attachment.hpp"

namespace passerelle::soap {

// A parsed Content-Type value. Type/subtype and parameter names are lower
// case; parameter values are unquoted and unescaped.
struct MediaType {
  std::string type;  // e.g. "multipart/related"
  std::map<std::string, std::string> params;

  std::string param(const std::string& name) const;  // "" when absent
};

// Throws Failure(codes::kMalformedMime) on syntax errors.
MediaType parse_media_type(std::string_view value);

struct MtomLimits {
  std::size_t spill_threshold = 1024u * 1024u;  // parts larger than this go to disk
  std::size_t max_root_bytes = 64u * 1024u * 1024u;
  std::size_t max_parts = 1000;
  std::size_t max_part_header_bytes = 16u * 1024u;
  // Empty: the system temporary directory, looked up only when a part spills
  // (the lookup reads the environment and stats the directory).
  std::filesystem::path spool_dir;
};

struct MtomMessage {
  MediaType content_type;  // of the whole HTTP body
  MediaType root_type;     // of the root part (application/xop+xml; type=…)
  std::string root;        // the SOAP envelope bytes
  std::vector<std::shared_ptr<const Attachment>> attachments;  // other parts, in order
};

// Push parser: construct from the HTTP Content-Type, feed() body chunks in
// order, then finish(). Any error throws Failure(codes::kMalformedMime) with
// the part in `location`; the parser is unusable afterwards.
class MtomParser {
 public:
  MtomParser(const MediaType& content_type, MtomLimits limits);
  ~MtomParser();
  MtomParser(MtomParser&&) noexcept;
  MtomParser& operator=(MtomParser&&) noexcept;

  void feed(std::string_view chunk);
  MtomMessage finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Writes a multipart/related MTOM body: root envelope plus attachments.
struct MtomBody {
  std::string content_type;  // full HTTP Content-Type header value
  std::string body;
};
MtomBody write_mtom(std::string_view envelope_xml, std::string_view soap_action,
                    const std::vector<std::shared_ptr<const Attachment>>& attachments);

}  // namespace passerelle::soap

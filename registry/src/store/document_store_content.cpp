// Document content: written and read in content_chunks rows of about 1 MiB
// so that a document never sits whole in memory.

#include <cstdint>
#include <string>

#include "passerelle/core/error.hpp"
#include "passerelle/registry/document_store.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "store/document_store_internal.hpp"

namespace passerelle::store {
namespace detail {

void insert_content(pqxx::work& tx, const std::string& repository_unique_id,
                    const std::string& unique_id, const registry::DocumentContent& content) {
  if (!content.read) {
    throw Failure(xds_codes::kRepositoryError, unique_id, "document content cannot be read");
  }
  const auto content_id = tx.exec_prepared1("xds_insert_content", repository_unique_id, unique_id,
                                            static_cast<std::int64_t>(content.size),
                                            lower(content.sha1_hex), content.mime_type)[0]
                              .as<std::int64_t>();

  std::string buffer;
  buffer.reserve(kChunkBytes);
  int seq = 0;
  std::uint64_t total = 0;
  const auto flush = [&] {
    if (buffer.empty()) return;
    tx.exec_prepared0("xds_insert_chunk", content_id, seq++,
                      pqxx::binarystring(buffer.data(), buffer.size()));
    buffer.clear();
  };
  content.read([&](std::string_view piece) {
    total += piece.size();
    while (!piece.empty()) {
      const auto take = std::min(piece.size(), kChunkBytes - buffer.size());
      buffer.append(piece.substr(0, take));
      piece.remove_prefix(take);
      if (buffer.size() == kChunkBytes) flush();
    }
  });
  flush();
  if (total != content.size) {
    throw Failure(xds_codes::kRepositoryError, unique_id,
                  "document content is " + std::to_string(total) + " bytes, expected " +
                      std::to_string(content.size));
  }
}

}  // namespace detail

bool XdsStore::read_content(const std::string& repository_unique_id, const std::string& unique_id,
                            const std::function<void(std::string_view)>& sink) {
  try {
    auto lease = pool_.acquire();
    detail::prepare_statements(*lease);
    // Repeatable read: the chunks come from the one snapshot.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(*lease);
    const auto found = tx.exec_prepared("xds_content_id", repository_unique_id, unique_id);
    if (found.empty()) return false;
    const auto content_id = found[0][0].as<std::int64_t>();
    const auto chunks = tx.exec_prepared1("xds_chunk_count", content_id)[0].as<std::int64_t>();
    // One chunk at a time: only one is ever held in memory.
    for (std::int64_t seq = 0; seq < chunks; ++seq) {
      const auto row = tx.exec_prepared1("xds_read_chunk", content_id, seq);
      const pqxx::binarystring data(row[0]);
      sink(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
    }
    tx.commit();
    return true;
  } catch (const pqxx::failure&) {
    detail::rethrow_as_registry_error(unique_id);
  } catch (const pqxx::usage_error&) {
    detail::rethrow_as_registry_error(unique_id);
  }
}

}  // namespace passerelle::store

#pragma once

// A Beast body type that parses the request while it streams in: a
// multipart/related body goes straight into the MTOM parser (parts hashed and
// spilled as they arrive, so a large document is never buffered whole), any
// other body is collected as bytes. A malformed MIME body does not abort the
// read: the error is kept and the rest of the body is discarded, so the
// connection stays in sync and the client gets a SOAP fault, not a reset.

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "passerelle/core/error.hpp"
#include "passerelle/core/error_codes.hpp"
#include "passerelle/soap/mtom.hpp"

namespace passerelle::gateway {

struct IncomingBody {
  struct value_type {
    soap::MtomLimits limits;  // set by the session before reading
    std::string bytes;        // non-multipart body
    std::optional<soap::MtomParser> mtom;
    std::optional<soap::MtomMessage> message;  // multipart body, once complete
    std::optional<Error> error;                // first MIME error, if any
    std::uint64_t received = 0;
  };

  class reader {
   public:
    // Beast builds the reader with the parser, before the header has
    // arrived; the Content-Type is read in init(), once the header is done.
    // (Beast also requires the reader to be constructible from a response
    // header, hence the template.)
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>& header, value_type& body)
        : content_type_([&header] {
            auto value = header[boost::beast::http::field::content_type];
            return std::string(value.data(), value.size());
          }),
          body_(body) {}

    void init(const boost::optional<std::uint64_t>& content_length, boost::beast::error_code& ec) {
      ec = {};
      const std::string content_type = content_type_();
      if (content_type.empty()) return;  // the pipeline refuses it if it needs a body
      try {
        auto media = soap::parse_media_type(content_type);
        if (media.type == "multipart/related") body_.mtom.emplace(media, body_.limits);
      } catch (const Failure& failure) {
        body_.error = failure.error();
      }
      if (content_length && !body_.mtom && !body_.error) {
        body_.bytes.reserve(static_cast<std::size_t>(*content_length));
      }
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      std::size_t total = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers);
           it != boost::asio::buffer_sequence_end(buffers); ++it) {
        boost::asio::const_buffer buffer = *it;
        consume(std::string_view(static_cast<const char*>(buffer.data()), buffer.size()));
        total += buffer.size();
      }
      ec = {};
      return total;
    }

    void finish(boost::beast::error_code& ec) {
      ec = {};
      if (!body_.mtom || body_.error) return;
      try {
        body_.message = body_.mtom->finish();
      } catch (const Failure& failure) {
        body_.error = failure.error();
      } catch (const std::exception& e) {
        body_.error = Error{codes::kMalformedMime, Severity::Error, "body", e.what()};
      }
      body_.mtom.reset();
    }

   private:
    void consume(std::string_view chunk) {
      body_.received += chunk.size();
      if (body_.error) return;  // discard the rest of a broken body
      if (!body_.mtom) {
        body_.bytes.append(chunk);
        return;
      }
      try {
        body_.mtom->feed(chunk);
      } catch (const Failure& failure) {
        body_.error = failure.error();
        body_.mtom.reset();
      } catch (const std::exception& e) {
        body_.error = Error{codes::kMalformedMime, Severity::Error, "body", e.what()};
        body_.mtom.reset();
      }
    }

    std::function<std::string()> content_type_;
    value_type& body_;
  };
};

}  // namespace passerelle::gateway

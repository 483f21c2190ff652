#define BOOST_TEST_MODULE server
#include <atomic>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "passerelle/core/xml.hpp"
#include "passerelle/soap/namespaces.hpp"
#include "pg_cluster.hpp"
#include "soap_messages.hpp"
#include "test_server.hpp"

using namespace passerelle;
using namespace passerelle::testing;

namespace {

struct XmlRuntimeFixture {
  xml::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(XmlRuntimeFixture);

const std::string kEcho = "urn:passerelle:test:echo";
const std::string kSlow = "urn:passerelle:test:slow";
// Answers with kBigBytes of text: more than any socket send buffer takes.
constexpr const char* kBig = "urn:passerelle:test:big";
constexpr std::size_t kBigBytes = std::size_t{16} * 1024 * 1024;
// Answers with the id of the thread that handled it.
constexpr const char* kThread = "urn:passerelle:test:thread";

// A router with test operations: echo answers with what it learnt of the
// request (attachments' SHA-1, client subject); slow sleeps first.
gateway::Router test_router() {
  auto router = gateway::make_xds_router();
  gateway::Operation echo;
  echo.action = kEcho;
  echo.handler = [](const soap::SoapRequest& request, const gateway::CallContext& context) {
    std::string payload = "<t:echo xmlns:t=\"urn:test\" attachments=\"" +
                          std::to_string(request.attachments.size()) + "\" subject=\"" +
                          xml::escape(context.client_subject) + "\">";
    for (const auto& attachment : request.attachments) {
      payload += "<t:sha1>" + attachment->sha1_hex() + "</t:sha1>";
    }
    payload += "</t:echo>";
    return soap::SoapResponse{"urn:passerelle:test:echoResponse", "", payload, {}, ""};
  };
  router.add(gateway::kRegistryPath, echo);
  router.add(gateway::kCombinedPath, echo);
  gateway::Operation slow;
  slow.action = kSlow;
  slow.handler = [](const soap::SoapRequest&, const gateway::CallContext&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    return soap::SoapResponse{
        "urn:passerelle:test:slowResponse", "", "<t:slow xmlns:t=\"urn:test\"/>", {}, ""};
  };
  router.add(gateway::kRegistryPath, slow);
  gateway::Operation big;
  big.action = kBig;
  big.handler = [](const soap::SoapRequest&, const gateway::CallContext&) {
    return soap::SoapResponse{
        "urn:passerelle:test:bigResponse",
        "",
        "<t:big xmlns:t=\"urn:test\">" + std::string(kBigBytes, 'x') + "</t:big>",
        {},
        ""};
  };
  router.add(gateway::kRegistryPath, big);
  gateway::Operation thread;
  thread.action = kThread;
  thread.handler = [](const soap::SoapRequest&, const gateway::CallContext&) {
    std::ostringstream id;
    id << std::this_thread::get_id();
    return soap::SoapResponse{"urn:passerelle:test:threadResponse",
                              "",
                              "<t:thread xmlns:t=\"urn:test\">" + id.str() + "</t:thread>",
                              {},
                              ""};
  };
  router.add(gateway::kRegistryPath, thread);
  return router;
}

TestServerOptions with_router() {
  TestServerOptions options;
  options.router = test_router();
  return options;
}

// The test router on a server with `workers` workers (0 = the default) and
// `connection_threads` connection threads.
TestServerOptions with_router(std::size_t workers, int connection_threads) {
  auto options = with_router();
  options.customize = [workers, connection_threads](gateway::ServerConfig& config) {
    if (workers != 0) config.workers = workers;
    config.connection_threads = static_cast<std::size_t>(connection_threads);
  };
  return options;
}

struct ParsedReply {
  xml::Document document;
  xercesc::DOMElement* header;
  xercesc::DOMElement* body;
};

ParsedReply parse_soap(const std::string& bytes) {
  auto document = xml::parse(bytes);
  auto& root = document.root();
  auto* header = xml::first_child_element(root, ns::kSoap12, "Header");
  auto* body = xml::first_child_element(root, ns::kSoap12, "Body");
  BOOST_REQUIRE(header != nullptr);
  BOOST_REQUIRE(body != nullptr);
  return {std::move(document), header, body};
}

std::string header_value(const ParsedReply& reply, const char* local) {
  auto* element = xml::first_child_element(*reply.header, ns::kWsa, local);
  return element == nullptr ? "" : xml::text_content(*element);
}

// Fault code value and subcode value, as written (prefix:local).
std::pair<std::string, std::string> fault_codes(const ParsedReply& reply) {
  auto* fault = xml::first_child_element(*reply.body, ns::kSoap12, "Fault");
  BOOST_REQUIRE(fault != nullptr);
  auto* code = xml::first_child_element(*fault, ns::kSoap12, "Code");
  BOOST_REQUIRE(code != nullptr);
  auto* value = xml::first_child_element(*code, ns::kSoap12, "Value");
  BOOST_REQUIRE(value != nullptr);
  std::string subcode;
  if (auto* sub = xml::first_child_element(*code, ns::kSoap12, "Subcode")) {
    auto* sub_value = xml::first_child_element(*sub, ns::kSoap12, "Value");
    BOOST_REQUIRE(sub_value != nullptr);
    subcode = xml::text_content(*sub_value);
  }
  return {xml::text_content(*value), subcode};
}

std::string local_part(const std::string& qname) {
  auto colon = qname.find(':');
  return colon == std::string::npos ? qname : qname.substr(colon + 1);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(health_and_metrics)

BOOST_AUTO_TEST_CASE(liveness_answers_over_tls_and_readiness_needs_a_database) {
  TestServer server;
  auto connection = server.connect();
  auto live = connection.request("GET", "/health/live");
  BOOST_TEST(live.status == 200u);
  BOOST_TEST(live.body.find("\"up\"") != std::string::npos);
  auto ready = connection.request("GET", "/health");
  BOOST_TEST(ready.status == 503u);
  BOOST_TEST(ready.body.find("not configured") != std::string::npos);
  BOOST_TEST(!ready.header("x-request-id").empty());
}

BOOST_AUTO_TEST_CASE(readiness_follows_the_database_and_metrics_show_the_pool) {
  ThrowawayDatabase database;
  TestServerOptions options;
  options.db_uri = database.uri();
  TestServer server(std::move(options));
  auto connection = server.connect();
  auto ready = connection.request("GET", "/health");
  BOOST_TEST(ready.status == 200u);
  BOOST_TEST(ready.body.find("\"database\":\"up\"") != std::string::npos);
  auto metrics = connection.request("GET", "/metrics");
  BOOST_TEST(metrics.body.find("passerelle_db_pool_connections{state=\"open\"} 1") !=
             std::string::npos);
  database.cluster().stop();
  auto down = connection.request("GET", "/health");
  BOOST_TEST(down.status == 503u);
  BOOST_TEST(down.body.find("\"database\":\"down\"") != std::string::npos);
  BOOST_TEST(connection.request("GET", "/health/live").status == 200u);
}

BOOST_AUTO_TEST_CASE(metrics_count_requests_by_endpoint_action_and_status) {
  TestServer server(with_router());
  auto connection = server.connect();
  connection.request("POST", "/xds/registry", kSoapContentType, envelope(kEcho, "urn:uuid:m1"));
  connection.request("POST", "/xds/registry", kSoapContentType,
                     envelope("urn:nope", "urn:uuid:m2"));
  auto metrics = connection.request("GET", "/metrics");
  BOOST_TEST(metrics.status == 200u);
  BOOST_TEST(metrics.header("content-type").find("text/plain; version=0.0.4") == 0u);
  const auto& text = metrics.body;
  BOOST_TEST(text.find("passerelle_http_requests_total{endpoint=\"/xds/registry\",action=\"" +
                       kEcho + "\",status=\"200\"} 1") != std::string::npos);
  BOOST_TEST(
      text.find("passerelle_http_requests_total{endpoint=\"/xds/registry\",action=\"unknown\","
                "status=\"400\"} 1") != std::string::npos);
  BOOST_TEST(
      text.find("passerelle_http_request_duration_seconds_bucket{endpoint=\"/xds/registry\"") !=
      std::string::npos);
  BOOST_TEST(text.find("passerelle_http_requests_in_flight 1") != std::string::npos);  // this one
  BOOST_TEST(text.find("passerelle_connections_open 1") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(soap_dispatch)

BOOST_AUTO_TEST_CASE(unknown_action_gets_a_soap12_action_not_supported_fault_with_relates_to) {
  TestServer server;
  auto connection = server.connect();
  auto reply = connection.request("POST", "/xds/registry", kSoapContentType,
                                  envelope("urn:example:NoSuchAction", "urn:uuid:1234-abcd"));
  BOOST_TEST(reply.status == 400u);
  BOOST_TEST(reply.header("content-type").find("application/soap+xml") == 0u);
  auto parsed = parse_soap(reply.body);
  auto [code, subcode] = fault_codes(parsed);
  BOOST_TEST(local_part(code) == "Sender");
  BOOST_TEST(local_part(subcode) == "ActionNotSupported");
  BOOST_TEST(header_value(parsed, "RelatesTo") == "urn:uuid:1234-abcd");
  BOOST_TEST(header_value(parsed, "Action") == ns::kWsaFaultAction);
  BOOST_TEST(reply.body.find("urn:example:NoSuchAction") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(registered_action_is_dispatched_and_answer_relates_to_request) {
  TestServer server(with_router());
  auto connection = server.connect();
  for (const char* path : {"/xds/registry", "/xds"}) {
    auto reply = connection.request("POST", path, kSoapContentType, envelope(kEcho, "urn:uuid:42"));
    BOOST_TEST(reply.status == 200u);
    auto parsed = parse_soap(reply.body);
    BOOST_TEST(header_value(parsed, "RelatesTo") == "urn:uuid:42");
    BOOST_TEST(header_value(parsed, "Action") == "urn:passerelle:test:echoResponse");
    BOOST_TEST(!header_value(parsed, "MessageID").empty());
  }
  // The repository endpoint does not know the echo action.
  auto other = connection.request("POST", "/xds/repository", kSoapContentType,
                                  envelope(kEcho, "urn:uuid:43"));
  BOOST_TEST(other.status == 400u);
}

BOOST_AUTO_TEST_CASE(mtom_attachment_reaches_the_handler_with_its_sha1) {
  TestServer server(with_router());
  auto connection = server.connect();
  const std::string body =
      "<t:doc xmlns:t=\"urn:test\"><xop:Include "
      "xmlns:xop=\"http://www.w3.org/2004/08/xop/include\" "
      "href=\"cid:doc1%40test\"/></t:doc>";
  auto request = mtom_request(envelope(kEcho, "urn:uuid:mtom", body), "doc1@test", "abc");
  auto reply = connection.request("POST", "/xds/registry", request.content_type, request.body);
  BOOST_TEST(reply.status == 200u);
  // SHA-1("abc")
  BOOST_TEST(reply.body.find("a9993e364706816aba3e25717850c26c9cd0d89d") != std::string::npos);
  BOOST_TEST(reply.body.find("attachments=\"1\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(mtom_with_unknown_cid_is_a_sender_fault) {
  TestServer server(with_router());
  auto connection = server.connect();
  const std::string body =
      "<t:doc xmlns:t=\"urn:test\"><xop:Include "
      "xmlns:xop=\"http://www.w3.org/2004/08/xop/include\" "
      "href=\"cid:missing@test\"/></t:doc>";
  auto request = mtom_request(envelope(kEcho, "urn:uuid:mtom2", body), "doc1@test", "abc");
  auto reply = connection.request("POST", "/xds/registry", request.content_type, request.body);
  BOOST_TEST(reply.status == 400u);
  auto parsed = parse_soap(reply.body);
  BOOST_TEST(local_part(fault_codes(parsed).second) == "UnresolvedXopInclude");
  BOOST_TEST(header_value(parsed, "RelatesTo") == "urn:uuid:mtom2");
}

BOOST_AUTO_TEST_CASE(truncated_mtom_body_is_a_fault_and_the_connection_stays_usable) {
  TestServer server(with_router());
  auto connection = server.connect();
  auto request = mtom_request(envelope(kEcho, "urn:uuid:t"), "doc1@test", "abc");
  const std::string truncated = request.body.substr(0, request.body.size() - 40);
  auto reply = connection.request("POST", "/xds/registry", request.content_type, truncated);
  BOOST_TEST(reply.status == 400u);
  BOOST_TEST(local_part(fault_codes(parse_soap(reply.body)).second) == "MalformedMime");
  auto again = connection.request("POST", "/xds/registry", kSoapContentType,
                                  envelope(kEcho, "urn:uuid:after"));
  BOOST_TEST(again.status == 200u);
}

BOOST_AUTO_TEST_CASE(soap11_envelope_gets_version_mismatch) {
  TestServer server(with_router());
  auto connection = server.connect();
  const std::string soap11 =
      "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>";
  auto reply = connection.request("POST", "/xds/registry", "text/xml; charset=utf-8", soap11);
  BOOST_TEST(reply.status == 500u);
  BOOST_TEST(local_part(fault_codes(parse_soap(reply.body)).first) == "VersionMismatch");
}

BOOST_AUTO_TEST_CASE(unknown_must_understand_header_gets_must_understand_fault) {
  TestServer server(with_router());
  auto connection = server.connect();
  const std::string extra =
      "<x:Secret xmlns:x=\"urn:example:ext\" s:mustUnderstand=\"true\">1</x:Secret>";
  auto reply =
      connection.request("POST", "/xds/registry", kSoapContentType,
                         envelope(kEcho, "urn:uuid:mu", "<t:p xmlns:t=\"urn:t\"/>", extra));
  BOOST_TEST(reply.status == 500u);
  auto parsed = parse_soap(reply.body);
  BOOST_TEST(local_part(fault_codes(parsed).first) == "MustUnderstand");
  BOOST_TEST(reply.body.find("NotUnderstood") != std::string::npos);
  BOOST_TEST(header_value(parsed, "RelatesTo") == "urn:uuid:mu");
}

BOOST_AUTO_TEST_CASE(wrong_media_type_method_and_path_get_precise_http_answers) {
  TestServer server(with_router());
  auto connection = server.connect();
  auto media = connection.request("POST", "/xds/registry", "application/json", "{}");
  BOOST_TEST(media.status == 415u);
  BOOST_TEST(local_part(fault_codes(parse_soap(media.body)).second) == "UnsupportedMediaType");
  auto method = connection.request("GET", "/xds/registry");
  BOOST_TEST(method.status == 405u);
  BOOST_TEST(method.header("allow") == "POST");
  auto path = connection.request("POST", "/nowhere", kSoapContentType, envelope(kEcho, "x"));
  BOOST_TEST(path.status == 404u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hostile_xml)

BOOST_AUTO_TEST_CASE(xxe_payload_is_refused_and_reads_no_file) {
  const auto secret_path = std::filesystem::temp_directory_path() / "passerelle-xxe-secret.txt";
  const std::string secret = "TOP-SECRET-7f3a9c";
  std::ofstream(secret_path) << secret;
  TestServer server(with_router());
  auto connection = server.connect();
  const std::string payload =
      "<?xml version=\"1.0\"?><!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM \"file://" +
      secret_path.string() +
      "\">]><s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
      "xmlns:a=\"http://www.w3.org/2005/08/addressing\"><s:Header><a:Action>" +
      kEcho +
      "</a:Action><a:MessageID>urn:uuid:xxe</a:MessageID></s:Header><s:Body><t:x "
      "xmlns:t=\"urn:t\">&xxe;</t:x></s:Body></s:Envelope>";
  auto reply = connection.request("POST", "/xds/registry", kSoapContentType, payload);
  BOOST_TEST(reply.status == 400u);
  BOOST_TEST(local_part(fault_codes(parse_soap(reply.body)).second) == "ForbiddenXmlConstruct");
  BOOST_TEST(reply.body.find(secret) == std::string::npos);
  BOOST_TEST(server.log().find(secret) == std::string::npos);
  auto after =
      connection.request("POST", "/xds/registry", kSoapContentType, envelope(kEcho, "urn:uuid:ok"));
  BOOST_TEST(after.status == 200u);
  std::filesystem::remove(secret_path);
}

BOOST_AUTO_TEST_CASE(billion_laughs_is_refused_quickly_and_the_server_keeps_serving) {
  TestServer server(with_router());
  auto connection = server.connect();
  std::string entities = "<!ENTITY lol \"lol\">";
  std::string previous = "lol";
  for (int i = 1; i <= 9; ++i) {
    const std::string name = "lol" + std::to_string(i);
    entities += "<!ENTITY " + name + " \"";
    for (int j = 0; j < 10; ++j) entities += "&" + previous + ";";
    entities += "\">";
    previous = name;
  }
  const std::string payload = "<?xml version=\"1.0\"?><!DOCTYPE lolz [" + entities +
                              "]><s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\">"
                              "<s:Body><x>&" +
                              previous + ";</x></s:Body></s:Envelope>";
  const auto started = std::chrono::steady_clock::now();
  auto reply = connection.request("POST", "/xds/registry", kSoapContentType, payload);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() < 5000);
  BOOST_TEST(reply.status == 400u);
  BOOST_TEST(local_part(fault_codes(parse_soap(reply.body)).second) == "ForbiddenXmlConstruct");
  auto after = connection.request("POST", "/xds/registry", kSoapContentType,
                                  envelope(kEcho, "urn:uuid:ok2"));
  BOOST_TEST(after.status == 200u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(connections)

BOOST_AUTO_TEST_CASE(keep_alive_serves_many_requests_on_one_connection) {
  TestServer server(with_router());
  auto connection = server.connect();
  for (int i = 0; i < 20; ++i) {
    auto reply = connection.request("POST", "/xds/registry", kSoapContentType,
                                    envelope(kEcho, "urn:uuid:k" + std::to_string(i)));
    BOOST_TEST_REQUIRE(reply.status == 200u);
    BOOST_TEST(reply.keep_alive);
  }
  BOOST_TEST(server.wait_for_log("\"status\":200"));
  BOOST_TEST(server.log().find("urn:uuid:k19") == std::string::npos);  // no message content
}

std::string raw_post(const std::string& body) {
  return "POST /xds/registry HTTP/1.1\r\nHost: localhost\r\nContent-Type: " +
         std::string(kSoapContentType) + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

// Replies the socket takes at once are written by the worker itself; the next
// request, already waiting, must still be read and answered in order.
BOOST_AUTO_TEST_CASE(pipelined_requests_are_answered_in_order) {
  TestServer server(with_router());
  auto connection = server.connect();
  connection.write(raw_post(envelope(kEcho, "urn:uuid:p1")) +
                   raw_post(envelope(kEcho, "urn:uuid:p2")));
  for (const char* id : {"urn:uuid:p1", "urn:uuid:p2"}) {
    auto reply = connection.read_reply();
    BOOST_TEST_REQUIRE(reply.status == 200u);
    BOOST_TEST(header_value(parse_soap(reply.body), "RelatesTo") == id);
  }
}

// One worker; a client asks for a reply larger than its socket can take and
// does not read it. The thread that handled it must not wait for that
// client: another client is answered meanwhile, and the big reply arrives
// whole once read. With connection threads (64) and without (0: workers).
BOOST_DATA_TEST_CASE(a_client_not_reading_a_large_reply_does_not_hold_a_worker,
                     boost::unit_test::data::make({0, 64}), connection_threads) {
  TestServer server(with_router(1, connection_threads));
  auto idle_reader = server.connect();
  idle_reader.write(raw_post(envelope(kBig, "urn:uuid:big")));
  // Time for the worker to take the big request and start its reply.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto other = std::async(std::launch::async, [&server] {
    auto connection = server.connect();
    return connection
        .request("POST", "/xds/registry", kSoapContentType, envelope(kEcho, "urn:uuid:o1"))
        .status;
  });
  BOOST_TEST_REQUIRE((other.wait_for(std::chrono::seconds(10)) == std::future_status::ready));
  BOOST_TEST(other.get() == 200u);
  auto big = idle_reader.read_reply();
  BOOST_TEST_REQUIRE(big.status == 200u);
  BOOST_TEST(big.body.size() > kBigBytes);
  BOOST_TEST(big.body.find("<wsa:RelatesTo>urn:uuid:big</wsa:RelatesTo>") != std::string::npos);
  BOOST_TEST(big.body.find(std::string(kBigBytes, 'x')) != std::string::npos);
}

// Connections with a thread of their own handle requests there, but no more
// at once than there are workers: with one, two slow requests (700 ms each)
// on two connections take twice as long as one.
BOOST_AUTO_TEST_CASE(connection_threads_handle_no_more_requests_at_once_than_workers) {
  auto options = with_router();
  options.customize = [](gateway::ServerConfig& config) { config.workers = 1; };
  TestServer server(std::move(options));
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::future<unsigned>> replies;
  for (const char* id : {"urn:uuid:s1", "urn:uuid:s2"}) {
    replies.push_back(std::async(std::launch::async, [&server, id] {
      auto connection = server.connect();
      return connection.request("POST", "/xds/registry", kSoapContentType, envelope(kSlow, id))
          .status;
    }));
  }
  for (auto& reply : replies) BOOST_TEST(reply.get() == 200u);
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  BOOST_TEST(elapsed.count() >= 1400);
}

// With one worker, two connections are handled by that worker's thread when
// connections share (0), and each by its own thread with connection threads.
BOOST_DATA_TEST_CASE(each_connection_thread_handles_its_own_connection,
                     boost::unit_test::data::make({0, 64}), connection_threads) {
  TestServer server(with_router(1, connection_threads));
  auto first = server.connect();
  auto second = server.connect();
  auto handled_by = [](HttpConnection& connection, const std::string& id) {
    auto reply =
        connection.request("POST", "/xds/registry", kSoapContentType, envelope(kThread, id));
    BOOST_TEST_REQUIRE(reply.status == 200u);
    const auto parsed = parse_soap(reply.body);
    return xml::text_content(*xml::first_child_element(*parsed.body, "urn:test", "thread"));
  };
  const auto first_thread = handled_by(first, "urn:uuid:t1");
  const auto second_thread = handled_by(second, "urn:uuid:t2");
  BOOST_TEST(handled_by(first, "urn:uuid:t3") == first_thread);
  BOOST_TEST((first_thread == second_thread) == (connection_threads == 0));
}

// One connection thread: the first connection takes it, the others share
// the network threads and the workers, and every one is served, in turn,
// on the same keep-alive connections; a connection opened after the first
// closed is served too.
BOOST_AUTO_TEST_CASE(connections_beyond_the_connection_threads_share_the_workers) {
  auto options = with_router();
  options.customize = [](gateway::ServerConfig& config) { config.connection_threads = 1; };
  TestServer server(std::move(options));
  {
    std::vector<std::unique_ptr<HttpConnection>> connections;
    connections.reserve(3);
    for (int c = 0; c < 3; ++c) {
      connections.push_back(std::make_unique<HttpConnection>(server.endpoint(), server.client()));
    }
    for (int i = 0; i < 3; ++i) {
      for (std::size_t c = 0; c < connections.size(); ++c) {
        const auto id = "urn:uuid:c" + std::to_string(c) + "-" + std::to_string(i);
        auto reply =
            connections[c]->request("POST", "/xds/registry", kSoapContentType, envelope(kEcho, id));
        BOOST_TEST_REQUIRE(reply.status == 200u);
        BOOST_TEST(header_value(parse_soap(reply.body), "RelatesTo") == id);
      }
    }
  }
  auto later = server.connect();
  BOOST_TEST(later.request("POST", "/xds/registry", kSoapContentType, envelope(kEcho, "urn:uuid:l"))
                 .status == 200u);
}

BOOST_AUTO_TEST_CASE(request_log_line_is_json_with_a_utc_millisecond_timestamp) {
  TestServer server(with_router());
  auto connection = server.connect();
  auto reply = connection.request("POST", "/xds/registry", kSoapContentType,
                                  envelope(kEcho, "urn:uuid:ts1"));
  BOOST_TEST_REQUIRE(reply.status == 200u);
  BOOST_TEST_REQUIRE(server.wait_for_log("\"event\":\"request\""));
  std::istringstream lines(server.log());
  std::string text;
  int requests = 0;
  while (std::getline(lines, text)) {
    const auto line = nlohmann::json::parse(text);
    if (line.value("event", "") != "request") continue;
    ++requests;
    const auto ts = line.at("ts").get<std::string>();
    BOOST_TEST(std::regex_match(ts, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")),
               ts);
    BOOST_TEST(line.at("status") == 200);
    BOOST_TEST(line.at("method") == "POST");
    BOOST_TEST(line.at("path") == "/xds/registry");
    BOOST_TEST(line.at("duration_ms").is_number_float());
    BOOST_TEST(line.at("bytes_in").is_number_unsigned());
    BOOST_TEST(line.at("peer").get<std::string>().rfind("127.0.0.1:", 0) == 0u);
    // Exactly the text a json object of these fields would dump (sorted keys).
    BOOST_TEST(line.dump() == text);
  }
  BOOST_TEST(requests == 1);
}

BOOST_AUTO_TEST_CASE(malformed_requests_do_not_disturb_concurrent_good_ones) {
  TestServer server(with_router());
  std::atomic<int> good_ok{0};
  std::atomic<int> bad_refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      auto connection = server.connect();
      for (int i = 0; i < 15; ++i) {
        if (t % 2 == 0) {
          auto reply = connection.request("POST", "/xds/registry", kSoapContentType,
                                          envelope(kEcho, "urn:uuid:c" + std::to_string(i)));
          if (reply.status == 200u) ++good_ok;
        } else {
          auto reply = connection.request("POST", "/xds/registry", kSoapContentType,
                                          "<s:Envelope xmlns:s=\"broken");
          if (reply.status == 400u) ++bad_refused;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  BOOST_TEST(good_ok.load() == 45);
  BOOST_TEST(bad_refused.load() == 45);
}

BOOST_AUTO_TEST_CASE(garbage_http_gets_400_and_close) {
  TestServer server(with_router());
  auto connection = server.connect();
  auto reply = connection.raw("THIS IS NOT HTTP\r\n\r\n");
  BOOST_TEST(reply.status == 400u);
  BOOST_TEST(connection.closed_by_peer());
}

BOOST_AUTO_TEST_CASE(body_over_the_limit_gets_413) {
  TestServerOptions options = with_router();
  options.customize = [](gateway::ServerConfig& config) { config.max_body_bytes = 4096; };
  TestServer server(std::move(options));
  auto connection = server.connect();
  auto reply =
      connection.request("POST", "/xds/registry", kSoapContentType,
                         envelope(kEcho, "urn:uuid:big", "<x>" + std::string(8192, 'a') + "</x>"));
  BOOST_TEST(reply.status == 413u);
  BOOST_TEST(!reply.keep_alive);
}

BOOST_AUTO_TEST_CASE(headers_over_the_limit_get_431) {
  TestServerOptions options = with_router();
  options.customize = [](gateway::ServerConfig& config) { config.max_header_bytes = 1024; };
  TestServer server(std::move(options));
  auto connection = server.connect();
  auto reply =
      connection.request("GET", "/health/live", "", "", {{"X-Padding", std::string(4000, 'p')}});
  BOOST_TEST(reply.status == 431u);
}

// The test router with these read and idle timeouts.
TestServerOptions with_timeouts(int connection_threads, std::chrono::milliseconds read,
                                std::chrono::milliseconds idle) {
  auto options = with_router(0, connection_threads);
  options.customize = [threads = std::move(options.customize), read,
                       idle](gateway::ServerConfig& config) {
    threads(config);
    config.read_timeout = read;
    config.idle_timeout = idle;
  };
  return options;
}

// The idle timeout far longer: the body's deadline is not put off to it.
BOOST_DATA_TEST_CASE(slow_request_gets_408, boost::unit_test::data::make({0, 64}),
                     connection_threads) {
  TestServer server(
      with_timeouts(connection_threads, std::chrono::milliseconds(300), std::chrono::minutes(2)));
  auto connection = server.connect();
  connection.write(
      "POST /xds/registry HTTP/1.1\r\nHost: x\r\nContent-Type: "
      "application/soap+xml\r\nContent-Length: 100\r\n\r\n<s:Env");
  auto reply = connection.read_reply(std::chrono::seconds(5));
  BOOST_TEST(reply.status == 408u);
  BOOST_TEST(!reply.keep_alive);
}

BOOST_DATA_TEST_CASE(a_header_not_finished_within_the_idle_timeout_gets_408,
                     boost::unit_test::data::make({0, 64}), connection_threads) {
  TestServer server(
      with_timeouts(connection_threads, std::chrono::minutes(2), std::chrono::milliseconds(300)));
  auto connection = server.connect();
  connection.write("POST /xds/registry HTTP/1.1\r\nHost: x\r\nContent-Ty");
  auto reply = connection.read_reply(std::chrono::seconds(5));
  BOOST_TEST(reply.status == 408u);
}

BOOST_DATA_TEST_CASE(idle_keep_alive_connection_is_closed_silently,
                     boost::unit_test::data::make({0, 64}), connection_threads) {
  TestServer server(
      with_timeouts(connection_threads, std::chrono::minutes(2), std::chrono::milliseconds(200)));
  auto connection = server.connect();
  BOOST_TEST(connection.request("GET", "/health/live").status == 200u);
  BOOST_TEST(connection.closed_by_peer(std::chrono::milliseconds(3000)));
}

// Each request moves the deadline: a connection busier than the idle timeout
// stays open, however long it lives.
BOOST_DATA_TEST_CASE(a_connection_in_use_outlives_the_idle_timeout,
                     boost::unit_test::data::make({0, 64}), connection_threads) {
  TestServer server(with_timeouts(connection_threads, std::chrono::milliseconds(400),
                                  std::chrono::milliseconds(400)));
  auto connection = server.connect();
  const auto start = std::chrono::steady_clock::now();
  int answered = 0;
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1500)) {
    const auto reply = connection.request("GET", "/health/live");
    BOOST_TEST_REQUIRE(reply.status == 200u);
    BOOST_TEST_REQUIRE(reply.keep_alive);
    ++answered;
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  BOOST_TEST(answered >= 5);
  BOOST_TEST(connection.closed_by_peer(std::chrono::milliseconds(3000)));
}

BOOST_DATA_TEST_CASE(graceful_shutdown_finishes_the_request_in_flight,
                     boost::unit_test::data::make({0, 64}), connection_threads) {
  TestServer server(with_router(0, connection_threads));
  auto connection = server.connect();
  auto pending = std::async(std::launch::async, [&] {
    return connection.request("POST", "/xds/registry", kSoapContentType,
                              envelope(kSlow, "urn:uuid:slow"));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto endpoint = server.endpoint();
  server.server().shutdown();
  auto reply = pending.get();
  BOOST_TEST(reply.status == 200u);
  BOOST_TEST(!reply.keep_alive);
  BOOST_CHECK_THROW(HttpConnection(endpoint, server.client()), std::exception);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(plain_and_mutual_tls)

BOOST_AUTO_TEST_CASE(plain_http_only_when_asked_for) {
  TestServerOptions options = with_router();
  options.tls = false;
  TestServer server(std::move(options));
  auto connection = server.connect();
  BOOST_TEST(connection.request("GET", "/health/live").status == 200u);
}

BOOST_AUTO_TEST_CASE(tls_server_refuses_plain_http) {
  TestServer server(with_router());
  HttpConnection plain(server.endpoint(), {});
  BOOST_CHECK_THROW(plain.request("GET", "/health/live"), std::exception);
}

BOOST_AUTO_TEST_CASE(mutual_tls_exposes_the_verified_subject) {
  TestServerOptions options = with_router();
  options.mutual_tls = true;
  TestServer server(std::move(options));
  auto connection = server.connect("structure");
  auto reply = connection.request("POST", "/xds/registry", kSoapContentType,
                                  envelope(kEcho, "urn:uuid:mtls"));
  BOOST_TEST(reply.status == 200u);
  BOOST_TEST(reply.body.find("subject=\"") != std::string::npos);
  BOOST_TEST(reply.body.find("subject=\"\"") == std::string::npos);
  BOOST_TEST(reply.body.find("CN=") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(mutual_tls_refuses_missing_expired_and_foreign_certificates) {
  TestServerOptions options = with_router();
  options.mutual_tls = true;
  TestServer server(std::move(options));
  for (const std::string certificate : {"", "expired", "foreign-client"}) {
    BOOST_TEST_CONTEXT("client certificate '" << certificate << "'") {
      BOOST_CHECK_THROW(
          {
            HttpConnection connection(server.endpoint(), server.client(certificate));
            connection.request("GET", "/health/live");
          },
          std::exception);
    }
  }
  auto connection = server.connect("structure");
  auto metrics = connection.request("GET", "/metrics");
  BOOST_TEST(metrics.body.find("passerelle_tls_handshake_failures_total 3") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

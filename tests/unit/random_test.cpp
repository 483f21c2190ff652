#define BOOST_TEST_MODULE random
#include "passerelle/core/random.hpp"

#include <algorithm>
#include <array>
#include <boost/test/unit_test.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using passerelle::random::fill;
using passerelle::random::hex;
using passerelle::random::uuid_urn;

namespace {

// Handed-out bytes are zeroed in the block: a fill that copied from the
// wrong place would show runs of zeros.
bool has_zero_run(const std::vector<unsigned char>& bytes, std::size_t run) {
  std::size_t zeros = 0;
  for (const unsigned char b : bytes) {
    zeros = b == 0 ? zeros + 1 : 0;
    if (zeros >= run) return true;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(small_draws_never_repeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {  // 32,000 bytes: several blocks
    std::array<unsigned char, 16> id{};
    BOOST_TEST_REQUIRE(fill(id));
    BOOST_TEST_REQUIRE(seen.insert(std::string(id.begin(), id.end())).second);
  }
}

BOOST_AUTO_TEST_CASE(draws_across_and_larger_than_a_block_are_whole) {
  for (const std::size_t size :
       {std::size_t{1}, std::size_t{4095}, std::size_t{4097}, std::size_t{10000}}) {
    std::vector<unsigned char> bytes(size);
    BOOST_TEST_REQUIRE(fill(bytes));
    BOOST_TEST(!has_zero_run(bytes, 8), "size " << size);
  }
}

BOOST_AUTO_TEST_CASE(threads_draw_different_bytes) {
  std::array<std::array<unsigned char, 32>, 2> drawn{};
  std::thread other([&] { BOOST_REQUIRE(fill(drawn[1])); });
  other.join();
  BOOST_TEST_REQUIRE(fill(drawn[0]));
  BOOST_TEST((drawn[0] != drawn[1]));
}

BOOST_AUTO_TEST_CASE(an_empty_draw_succeeds) {
  std::vector<unsigned char> none;
  BOOST_TEST(fill(none));
}

BOOST_AUTO_TEST_CASE(hex_gives_two_lowercase_digits_per_byte) {
  const auto id = hex(8);
  BOOST_TEST_REQUIRE(id.has_value());
  BOOST_TEST(std::regex_match(*id, std::regex("[0-9a-f]{16}")));
  BOOST_TEST(*hex(8) != *id);
  BOOST_TEST((hex(0) == std::optional<std::string>("")));
}

BOOST_AUTO_TEST_CASE(uuid_urns_are_version_4_with_the_rfc_variant) {
  const std::regex v4(
      "urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const auto id = uuid_urn();
    BOOST_TEST_REQUIRE(id.has_value());
    BOOST_TEST_REQUIRE(std::regex_match(*id, v4), *id);
    BOOST_TEST_REQUIRE(seen.insert(*id).second);
  }
}

#define BOOST_TEST_MODULE random
#include "passerelle/core/random.hpp"

#include <algorithm>
#include <array>
#include <boost/test/unit_test.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

using passerelle::random::fill;

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

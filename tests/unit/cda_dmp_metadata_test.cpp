#define BOOST_TEST_MODULE cda_dmp_metadata
#include <boost/test/unit_test.hpp>

// Issue 8, the dmp profile's metadata rules beyond the code lists
// (dmp-xds-mapping.md §4–5), on the shipped profile and the fixture lot:
// referenceIdList types limited to JDV_J231, and codes valid at the
// submission date (a listed code whose validity ended before the
// SubmissionSet's submissionTime is refused).

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "passerelle/core/error.hpp"
#include "passerelle/core/xml.hpp"
#include "passerelle/registry/ebrim.hpp"
#include "passerelle/registry/metadata.hpp"
#include "passerelle/registry/profile.hpp"
#include "passerelle/registry/validation.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xds_codes.hpp"

namespace {

namespace reg = passerelle::registry;
namespace vocab = passerelle::registry::vocab;
using passerelle::Error;

struct XmlRuntime {
  passerelle::xml::Runtime runtime;
};
BOOST_TEST_GLOBAL_FIXTURE(XmlRuntime);

constexpr const char* kReferenceIdList = "urn:ihe:iti:xds:2013:referenceIdList";
// Closed on 2020-06-26 (TRE_R02 dateFin), still listed by J59 and J61.
constexpr const char* kExpiredCode = "SA11";

const reg::Profile& dmp() {
  static const reg::Profile profile = reg::load_named_profile("dmp");
  return profile;
}

// The fixture lot as the repository hands it to the registry.
reg::SubmitObjectsRequest fixture_lot() {
  std::ifstream in(
      std::string(PASSERELLE_SOURCE_DIR) + "/tests/fixtures/xds/provide_and_register_two_docs.xml",
      std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const auto document = passerelle::xml::parse(bytes.str());
  reg::SubmitObjectsRequest request = reg::parse_submit_objects(document.root());
  for (auto& object : request.objects) {
    if (object.kind == reg::ObjectKind::ExtrinsicObject) {
      object.slots.push_back({"repositoryUniqueId", "", {"1.2.250.1.999.2"}});
    }
  }
  return request;
}

reg::RegistryObject& object(reg::SubmitObjectsRequest& request, const std::string& id) {
  for (auto& candidate : request.objects) {
    if (candidate.id == id) return candidate;
  }
  BOOST_FAIL("no object " << id);
  throw std::logic_error("unreachable");
}

void set_code(reg::RegistryObject& target, const std::string& scheme, const std::string& code) {
  for (auto& classification : target.classifications) {
    if (classification.classification_scheme == scheme) {
      classification.node_representation = code;
      return;
    }
  }
  BOOST_FAIL("no classification " << scheme << " on " << target.id);
}

void set_slot(reg::RegistryObject& target, const std::string& name,
              std::vector<std::string> values) {
  for (auto& slot : target.slots) {
    if (slot.name == name) {
      slot.values = std::move(values);
      return;
    }
  }
  target.slots.push_back({name, "", std::move(values)});
}

std::vector<Error> validate(const reg::SubmitObjectsRequest& request) {
  return reg::validate_submission(request, reg::read_submission(request), dmp());
}

std::string describe(const std::vector<Error>& errors) {
  std::string out;
  for (const auto& error : errors) {
    out += "\n  " + error.code + " @" + error.location + ": " + error.message;
  }
  return out;
}

// Exactly one error: XDSRegistryMetadataError at `location`, message starting with `prefix`.
void expect_one(const std::vector<Error>& errors, const std::string& location,
                const std::string& prefix) {
  BOOST_TEST_REQUIRE(errors.size() == 1u, describe(errors));
  BOOST_TEST(errors[0].code == passerelle::xds_codes::kRegistryMetadataError);
  BOOST_TEST(errors[0].location == location);
  BOOST_TEST(errors[0].message.rfind(prefix, 0) == 0u, errors[0].message);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cda_dmp_metadata)

BOOST_AUTO_TEST_CASE(the_fixture_lot_is_valid_under_dmp) {
  const auto errors = validate(fixture_lot());
  BOOST_TEST(errors.empty(), describe(errors));
}

BOOST_AUTO_TEST_CASE(the_shipped_profile_carries_j231_and_end_dates) {
  BOOST_TEST(dmp().reference_id_types.entries().size() == 3u);
  BOOST_TEST(dmp().reference_id_types.contains("urn:ihe:iti:xds:2013:accession",
                                               "1.2.250.1.213.1.1.4.347"));
  const reg::CodeList* facilities = dmp().codes("healthcareFacilityTypeCode");
  BOOST_TEST_REQUIRE(facilities != nullptr);
  bool found = false;
  for (const auto& entry : facilities->entries()) {
    if (entry.code == kExpiredCode) {
      found = true;
      BOOST_TEST(entry.valid_until == "20200626120000");
    } else {
      BOOST_TEST(entry.valid_until.empty(), entry.code);
    }
  }
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(reference_id_types_of_j231_are_accepted) {
  auto lot = fixture_lot();
  set_slot(object(lot, "Document01"), kReferenceIdList,
           {"ACC-1^^^&1.2.250.1.999.7&ISO^urn:ihe:iti:xds:2013:accession",
            "ORD-1^^^&1.2.250.1.999.7&ISO^urn:ihe:iti:xds:2013:order",
            "1.2.250.1.999.7.1^^^^urn:ihe:iti:xds:2016:studyInstanceUID"});
  const auto errors = validate(lot);
  BOOST_TEST(errors.empty(), describe(errors));
}

BOOST_AUTO_TEST_CASE(a_reference_id_type_outside_j231_is_refused) {
  auto lot = fixture_lot();
  set_slot(object(lot, "Document01"), kReferenceIdList,
           {"ACC-1^^^&1.2.250.1.999.7&ISO^urn:ihe:iti:xds:2013:accession",
            "ENC-1^^^&1.2.250.1.999.7&ISO^urn:ihe:iti:xds:2015:encounterId"});
  expect_one(validate(lot), "Document01",
             "referenceIdList: identifier type 'urn:ihe:iti:xds:2015:encounterId' is not in "
             "profile 'dmp' reference_id_types, got 'ENC-1^^^&1.2.250.1.999.7&ISO^");
}

BOOST_AUTO_TEST_CASE(a_code_closed_before_the_submission_time_is_refused) {
  auto lot = fixture_lot();
  set_code(object(lot, "Document01"), vocab::kDocHealthcareFacilityTypeCode, kExpiredCode);
  expect_one(validate(lot), "Document01",
             "healthcareFacilityTypeCode: code of scheme '1.2.250.1.71.4.2.4' no longer valid: "
             "its validity ended 20200626120000, before the submissionTime 20240503120000, got "
             "'SA11'");
}

BOOST_AUTO_TEST_CASE(the_submission_set_content_type_code_is_dated_too) {
  auto lot = fixture_lot();
  auto& set = object(lot, "SubmissionSet01");
  set_code(set, vocab::kSetContentTypeCode, kExpiredCode);
  // J59 lists SA11 under the same code system as J61.
  for (auto& classification : set.classifications) {
    if (classification.classification_scheme == vocab::kSetContentTypeCode) {
      for (auto& slot : classification.slots) {
        if (slot.name == "codingScheme") slot.values = {"1.2.250.1.71.4.2.4"};
      }
    }
  }
  expect_one(validate(lot), "SubmissionSet01", "contentTypeCode: code of scheme");
}

BOOST_AUTO_TEST_CASE(a_code_still_valid_at_the_submission_time_is_accepted) {
  auto lot = fixture_lot();
  set_code(object(lot, "Document01"), vocab::kDocHealthcareFacilityTypeCode, kExpiredCode);
  for (const char* time : {"20200626", "20200626115959", "202006", "2020", "20190101120000"}) {
    set_slot(object(lot, "SubmissionSet01"), "submissionTime", {time});
    const auto errors = validate(lot);
    BOOST_TEST(errors.empty(), time << describe(errors));
  }
  set_slot(object(lot, "SubmissionSet01"), "submissionTime", {"20200627"});
  expect_one(validate(lot), "Document01", "healthcareFacilityTypeCode: code of scheme");
}

BOOST_AUTO_TEST_SUITE_END()

// Folder (ITI TF-3 §4.2.3.4, Table 4.3.1-3 column "XDS DS / Register").
// lastUpdateTime is the registry's to set: a value the client sends is
// replaced at registration (NIST test data sends one and expects success).

#include "passerelle/registry/datatypes.hpp"
#include "passerelle/registry/vocabulary.hpp"
#include "passerelle/registry/xds_codes.hpp"
#include "validation/rules.hpp"

namespace passerelle::registry::validation {
namespace {

namespace dt = datatypes;
using enum Need;
using enum Count;

// clang-format off
constexpr SlotRule kSlots[] = {
    // attribute        slot              need       count check
    {"lastUpdateTime",  "lastUpdateTime", Optional,  One,  nullptr},
};

constexpr IdRule kIds[] = {
    // attribute  identificationScheme     need      check
    {"patientId", vocab::kFolderPatientId, Required, dt::check_cx},
    {"uniqueId",  vocab::kFolderUniqueId,  Required, dt::check_oid},
};

constexpr CodeRule kCodes[] = {
    // attribute  classificationScheme     need      count code list
    {"codeList",  vocab::kFolderCodeList,  Required, Many, "folderCodeList"},
};
// clang-format on

const std::set<std::string, std::less<>> kNoExtraRequirement;

}  // namespace

void check_folders(const SubmitObjectsRequest& request, const Submission& submission,
                   const Profile& profile, Collector& out) {
  const ObjectRules rules{kSlots, kIds, kCodes, "", Optional, Required, &kNoExtraRequirement};
  for (const Folder& folder : submission.folders) {
    if (folder.object == nullptr) continue;
    if (!classified_as(request, *folder.object, vocab::kFolderNode)) {
      out.add(folder.entry_uuid, xds_codes::kRegistryMetadataError,
              message("Folder", "RegistryPackage not classified as a Folder", folder.entry_uuid));
    }
    check_attributes(*folder.object, rules, profile, out);
  }
}

}  // namespace passerelle::registry::validation

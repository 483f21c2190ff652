#include <algorithm>
#include <chrono>
#include <ctime>

#include "lot_registration.hpp"

namespace passerelle::registry::detail {

std::string now_dtm() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[16];
  std::strftime(text, sizeof text, "%Y%m%d%H%M%S", &utc);
  return text;
}

const Slot* find_slot(const RegistryObject& object, std::string_view name) {
  const auto it = std::find_if(object.slots.begin(), object.slots.end(),
                               [&](const Slot& slot) { return slot.name == name; });
  return it == object.slots.end() ? nullptr : &*it;
}

void set_slot(RegistryObject& object, std::string_view name, std::string value) {
  auto it = std::find_if(object.slots.begin(), object.slots.end(),
                         [&](const Slot& slot) { return slot.name == name; });
  if (it == object.slots.end()) {
    object.slots.push_back(Slot{std::string(name), "", {std::move(value)}});
  } else {
    it->values = {std::move(value)};
  }
}

RegistryResponse failure(std::vector<Error> errors) {
  RegistryResponse response;
  response.success = false;
  response.errors = std::move(errors);
  return response;
}

RegistryResponse failure(Error error) { return failure(std::vector<Error>{std::move(error)}); }

}  // namespace passerelle::registry::detail

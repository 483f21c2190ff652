#pragma once

// The testplan elements of suites of our own (conformance/suites/dmp): the
// step's <Vihf/>, the changes of a RecordSetupTransaction, a
// DeclareConsentTransaction's <Action>, a TracesTransaction's <ExpectedTrace/>.

#include <xercesc/dom/DOM.hpp>

#include "passerelle/conformance/testkit.hpp"

namespace passerelle::conformance {

// Reads `element` (a child of a transaction) into `step` when it is one of
// ours; false otherwise. Throws Failure(kHarnessError) when it is malformed.
bool read_dmp_element(const xercesc::DOMElement& element, TestStep& step);

}  // namespace passerelle::conformance

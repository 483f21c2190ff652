#pragma once

// Issue 10: the faults of urn:passerelle:dmp:Download (docs/downloads.md),
// as Failure codes; the pipeline turns them into SOAP Sender faults with a
// urn:passerelle:fault subcode.

namespace passerelle::gateway::download::codes {

// R-OUT-2: more than one dmp:DocumentUniqueId in one request.
inline constexpr const char* kOneDocument = "passerelle:DownloadOneDocumentPerRequest";
// dmp:Format absent or not original, cda or xdm.
inline constexpr const char* kUnknownFormat = "passerelle:DownloadUnknownFormat";
// A verified VIHF was sent but the profile's access policy is off: nobody
// decides what the caller may read, so nothing is given.
inline constexpr const char* kPolicyOff = "passerelle:DownloadWithoutAccessPolicy";
// `cda` asked of a document stored as something other than XML.
inline constexpr const char* kNotCda = "passerelle:DownloadNotCda";

}  // namespace passerelle::gateway::download::codes

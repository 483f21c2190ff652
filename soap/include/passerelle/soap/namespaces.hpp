#pragma once

namespace passerelle::ns {
inline constexpr const char* kSoap12 = "http://www.w3.org/2003/05/soap-envelope";
inline constexpr const char* kSoap11 = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr const char* kWsa = "http://www.w3.org/2005/08/addressing";
inline constexpr const char* kXop = "http://www.w3.org/2004/08/xop/include";
inline constexpr const char* kWsse =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
inline constexpr const char* kWsaAnonymous = "http://www.w3.org/2005/08/addressing/anonymous";
inline constexpr const char* kWsaFaultAction = "http://www.w3.org/2005/08/addressing/soap/fault";
}  // namespace passerelle::ns

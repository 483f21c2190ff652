#include "passerelle/gateway/cli.hpp"

int main(int argc, char** argv) { return passerelle::gateway::run_cli(argc, argv); }

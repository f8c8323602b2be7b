#include "usage.hpp"

namespace cmm::ctl {

const char* usage_line() {
  return "usage: cmm-ctl [--host=H] --port=N [--json] [--timeout=D] "
         "[--cmm.tls.*=...] VERB [ARGS]; cmm-ctl --help lists the verbs";
}

std::string help_text() {
  return R"(cmm-ctl: operate a cmm-node over CAF's middleman.

usage: cmm-ctl [--host=H] --port=N [--json] [--timeout=D] [--cmm.tls.*=...]
               VERB [ARGS]

options:
  --host=H         node address (default 127.0.0.1)
  --port=N         the node's operator endpoint, as cmm-node printed it
                   ("operator endpoint on HOST:PORT"; required)
  --json           print JSON (one document, failures too:
                   {"error":{"code":...,"message":...}}; watch: one per
                   refresh line)
  --timeout=D      limit for connecting and for each request (default 10s)
  --cmm.tls.certificate=FILE, --cmm.tls.key=FILE, --cmm.tls.ca-file=FILE,
  --cmm.tls.passphrase=TEXT
                   TLS towards a node that requires it: this client's PEM
                   certificate and key, and the CAs the node's chains to
  --help           this text

verbs (MODEL is a catalog id; the node refuses file paths):
  list [--loaded]              every model the node knows (its catalog and
                               what it loaded), with state and refs;
                               --loaded: only those ready
  info MODEL                   everything about one model
  load MODEL                   load a model without holding it (preload)
  unload MODEL [--force]       unload an idle model; --force: even in use
  unload-all [--force]         unload every idle model; --force: all
  reset MODEL                  forget a failed load, so the next acquire
                               tries the file again
  cleanup                      unload models idle past the idle timeout
  devices                      memory budget of every device
  run MODEL [--input DTYPE:DIMS] [--fused]
                               acquire, infer on a generated input (default
                               fp32:1x64), release; prints timings in ms;
                               --fused: all three as one request (`run`)
  hold MODEL --for D           acquire, keep the lease for D, release
  watch [--interval D] [--count N]
                               live table (refreshes every D, default 1s;
                               stops after N refreshes or on Ctrl-C)

durations: 500ms, 5s, 1.5m, 2h (a bare number is seconds)
exit status: 0 done, 1 refused or failed by the node, 2 bad usage,
             3 node unreachable, 130 hold interrupted
)";
}

} // namespace cmm::ctl

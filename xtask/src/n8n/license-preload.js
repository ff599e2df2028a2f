// Written by `cargo xtask n8n start --licensed` next to the test instance's state and loaded with
// NODE_OPTIONS=--require=<this file>. Test instances on 127.0.0.1 only.
//
// n8n initialises its licensed backend modules (source control, promotions, node type policies)
// while it boots, and skips those whose feature is not licensed at that moment. Its E2E test mode
// (E2E_TESTS=true) licenses features only later, through PATCH /rest/e2e/feature, once the HTTP
// server runs: too late for those modules. This preload makes the features named in
// N8N_TEST_BOOT_FEATURES count as licensed during boot. When the E2E controller starts it replaces
// `isLicensed` on the License instance, which shadows this prototype method: from then on the
// PATCHed flags alone decide, as in n8n's own E2E mode.
'use strict';
const Module = require('module');
const features = new Set((process.env.N8N_TEST_BOOT_FEATURES || '').split(',').filter(Boolean));
const load = Module._load;
Module._load = function (request, parent, isMain) {
  const exported = load.apply(this, arguments);
  const License = exported && exported.License;
  if (
    typeof License === 'function' &&
    License.prototype &&
    typeof License.prototype.isLicensed === 'function' &&
    typeof License.prototype.getUsersLimit === 'function'
  ) {
    const isLicensed = License.prototype.isLicensed;
    License.prototype.isLicensed = function (feature) {
      return features.has(feature) || isLicensed.call(this, feature);
    };
    Module._load = load;
  }
  return exported;
};

// Starts the editor in Finnish with the configuration generated next to this file (config.yml).
(function () {
  'use strict';
  window.CMS.registerLocale('fi', window.PARTNERKIT_FI);
  window.CMS.init();
}());

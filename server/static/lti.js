// LTI launches inside an LMS iframe (no inline scripts: the CSP allows 'self' only).
(function () {
  "use strict";
  // The launch page: go on if the frame kept the session cookie, else offer the new window.
  var launch = document.getElementById("lti-launch");
  if (launch) {
    fetch(launch.dataset.check, {credentials: "include", cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.ok) {
          window.location.replace(launch.dataset.target);
        } else {
          document.getElementById("lti-blocked").hidden = false;
        }
      })
      .catch(function () { document.getElementById("lti-blocked").hidden = false; });
  }
  // The deep-linking answer: post the signed pick back to the LMS at once.
  var answer = document.getElementById("lti-deep-link-return");
  if (answer) {
    answer.submit();
  }
})();

// Progressive enhancement only: every page works without JavaScript.
document.documentElement.classList.add("js");

// After a failed submission, take keyboard and screen reader users to the error summary
// (it has tabindex="-1"; its links lead to the fields).
const formErrors = document.getElementById("form-errors");
if (formErrors) formErrors.focus();

// Two-click video: nothing is loaded from the video host until the reader asks for it.
document.querySelectorAll(".video-consent").forEach((box) => {
  const button = box.querySelector(".video-consent__button");
  if (!button) return;
  button.addEventListener("click", () => {
    const frame = document.createElement("iframe");
    frame.src = box.dataset.embedUrl;
    frame.title = box.dataset.title;
    frame.width = "560";
    frame.height = "315";
    frame.className = "video-frame";
    frame.allow = "fullscreen; picture-in-picture";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.setAttribute("allowfullscreen", "");
    // Replace the notice and the button; the plain link to the video host stays.
    box.querySelector("p").remove();
    button.remove();
    box.insertBefore(frame, box.querySelector("p"));
    frame.focus();
  });
});

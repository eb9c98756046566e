/* The mayor's agenda calendar: a click on an empty slot opens the add form
   at that time; dragging an entry onto another slot moves it (POST with the
   CSRF token and the entry's version; the server checks both and audits). */
(function () {
  "use strict";
  var root = document.getElementById("ozk-agenda");
  if (!root) { return; }
  var addUrl = root.getAttribute("data-add-url");
  var csrf = root.getAttribute("data-csrf");
  var mayEdit = root.getAttribute("data-may-edit") === "1";
  var status = document.getElementById("ozk-agenda-message");

  function say(text, kind) {
    status.className = "alert alert-" + (kind || "info");
    status.textContent = text;
  }

  Array.prototype.forEach.call(root.querySelectorAll(".ozk-slot"), function (slot) {
    slot.addEventListener("click", function (ev) {
      if (!addUrl || ev.target.closest(".ozk-entry") || ev.target.closest("a")) { return; }
      window.location = addUrl + (addUrl.indexOf("?") < 0 ? "?" : "&") + "start=" +
        encodeURIComponent(slot.getAttribute("data-start"));
    });
    if (!mayEdit) { return; }
    slot.addEventListener("dragover", function (ev) { ev.preventDefault(); slot.classList.add("ozk-drop"); });
    slot.addEventListener("dragleave", function () { slot.classList.remove("ozk-drop"); });
    slot.addEventListener("drop", function (ev) {
      ev.preventDefault();
      slot.classList.remove("ozk-drop");
      var id = ev.dataTransfer.getData("text/plain");
      var box = document.getElementById("ozk-entry-" + id);
      if (!box) { return; }
      var start = slot.getAttribute("data-start");
      if (start.indexOf("T") < 0) {   // a day (month view, all-day row): keep the entry's time
        var time = (box.querySelector(".ozk-entry-time").textContent.match(/\d\d:\d\d/) || [""])[0];
        if (time) { start = start + "T" + time; }
      }
      var body = new FormData();
      body.append("csrf_token", csrf);
      body.append("version", box.getAttribute("data-version"));
      body.append("start", start);
      fetch(box.getAttribute("data-move-url"), {
        method: "POST", body: body, credentials: "same-origin",
        headers: {"Accept": "application/json", "X-CSRFToken": csrf}
      }).then(function (resp) {
        return resp.json().catch(function () { return {ok: false, message: "Kayıt taşınamadı."}; });
      }).then(function (data) {
        if (data.ok) {
          window.sessionStorage.setItem("ozk-agenda-flash", data.message);
          window.location.reload();
        } else {
          say(data.message, "danger");
        }
      }).catch(function () { say("Kayıt taşınamadı (bağlantı hatası).", "danger"); });
    });
  });

  Array.prototype.forEach.call(root.querySelectorAll(".ozk-entry[draggable=true]"), function (box) {
    box.addEventListener("dragstart", function (ev) {
      ev.dataTransfer.setData("text/plain", box.getAttribute("data-id"));
      ev.dataTransfer.effectAllowed = "move";
    });
  });

  var flash = window.sessionStorage.getItem("ozk-agenda-flash");
  if (flash) {
    window.sessionStorage.removeItem("ozk-agenda-flash");
    say(flash, flash.indexOf("Dikkat") >= 0 ? "warning" : "success");
  }
}());

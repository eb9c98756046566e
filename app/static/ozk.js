// Özel Kalem: one bundle for every page (no external assets). Pickers that
// search as you type, Turkish date inputs, confirmations, the "add to the
// directory" dialog. Texts come from the page (#ozk-i18n), so English mode
// shows English.
(function ($) {
  "use strict";
  var T = {};
  try { T = JSON.parse(($("#ozk-i18n").text() || "{}")); } catch (e) { T = {}; }
  function t(key, fallback) { return T[key] || fallback; }
  var lastTerm = {};

  // -- pickers -----------------------------------------------------------
  function select2Language() {
    return {
      noResults: function () { return t("noResults", "Sonuç bulunamadı"); },
      searching: function () { return t("searching", "Aranıyor…"); },
      removeAllItems: function () { return t("removeAll", "Temizle"); },
      loadingMore: function () { return t("loadingMore", "Daha fazla yükleniyor…"); },
      errorLoading: function () { return t("errorLoading", "Sonuçlar yüklenemedi."); },
      inputTooShort: function () { return t("typeToSearch", "Yazarak arayın…"); }
    };
  }

  function fillDefaults(fill) {
    // a chosen record may bring defaults for other fields (e.g. a vehicle's
    // usual driver and last odometer reading); never overwrite what was typed
    $.each(fill || {}, function (name, value) {
      var target = $("#" + name);
      if (!target.length || value === null || value === undefined || value === "") { return; }
      if (target.is("select.ozk-ajax-select")) {
        if (target.val()) { return; }
        var opt = new Option(value.text, value.id, true, true);
        target.append(opt).trigger("change");
      } else if (!target.val()) {
        target.val(value).trigger("change");
      }
    });
  }

  function initPicker(el) {
    var id = el.attr("id");
    el.select2({
      ajax: {
        url: el.data("url"), dataType: "json", delay: 200,
        data: function (params) { lastTerm[id] = params.term || ""; return { q: params.term || "" }; },
        processResults: function (data) { return { results: data.results }; }
      },
      minimumInputLength: 0, allowClear: true,
      placeholder: el.data("placeholder") || t("choose", "Seçiniz…"),
      width: "100%",
      language: select2Language()
    });
    el.on("select2:select", function (e) { fillDefaults(e.params.data && e.params.data.fill); });
  }

  // opening any select2 puts the cursor in its search box at once
  // (at once: keys typed right after the click must not go to the page; and
  // again after select2's own handlers, which may move the focus)
  function focusSearch() {
    var field = document.querySelector(".select2-container--open .select2-search__field");
    if (field && document.activeElement !== field) { field.focus(); }
  }
  $(document).on("select2:open", function () {
    focusSearch();
    window.setTimeout(focusSearch, 0);
  });

  // -- "not in the directory? add it" ----------------------------------------
  var dialogTarget = null;
  $(document).on("click", ".ozk-quick-add", function () {
    dialogTarget = $(this).data("target");
    var url = $(this).data("url");
    var typed = lastTerm[dialogTarget] || "";
    if (typed) { url += (url.indexOf("?") < 0 ? "?" : "&") + "name=" + encodeURIComponent(typed); }
    $("#ozk-dialog-frame").attr("src", url);
    $("#ozk-dialog").modal("show");
  });
  window.addEventListener("message", function (ev) {
    if (ev.origin !== window.location.origin || !ev.data) { return; }
    if (ev.data.ozkDialogClose) { $("#ozk-dialog").modal("hide"); return; }
    if (!ev.data.ozkAdded || !dialogTarget) { return; }
    var added = ev.data.ozkAdded;
    var target = $("#" + dialogTarget);
    target.append(new Option(added.text, added.id, true, true)).trigger("change");
    $("#ozk-dialog").modal("hide");
    $("#ozk-dialog-frame").attr("src", "about:blank");
    dialogTarget = null;
  });

  // -- dialogs: focus goes in, stays in (Tab cycles), and returns to the opener --
  var FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), ' +
                  'select:not([disabled]), textarea:not([disabled]), iframe, [tabindex]:not([tabindex="-1"])';
  function focusables(modal) {
    return $(modal).find(FOCUSABLE).not(".ozk-focus-guard").filter(":visible").toArray();
  }
  $(document).on("focus", ".ozk-focus-guard", function () {
    var first = focusables($(this).closest(".modal"))[0];
    if (first) { first.focus(); }
  });
  if ($.fn.modal && $.fn.modal.Constructor) {
    // Bootstrap's own guard moves stray focus to the dialog box itself; ours
    // (below) moves it to the dialog's first control
    $.fn.modal.Constructor.prototype.enforceFocus = function () {};
  }
  $(document).on("show.bs.modal", ".modal", function () {
    var active = document.activeElement;
    if (active && active !== document.body && !$.contains(this, active)) { $(this).data("ozkOpener", active); }
  });
  $(document).on("shown.bs.modal", ".modal", function () {
    // a dialog whose content already took the focus (the quick-add form, loaded
    // before the dialog finished opening) keeps it
    if ($.contains(this, document.activeElement)) { return; }
    var first = $(this).find("[data-ozk-autofocus]").filter(":visible")[0] || focusables(this)[0];
    if (first) { first.focus(); }
  });
  $(document).on("hidden.bs.modal", ".modal", function () {
    var opener = $(this).data("ozkOpener");
    $(this).removeData("ozkOpener");
    if (opener && document.body.contains(opener) && $(opener).is(":visible")) { opener.focus(); }
  });
  $(document).on("keydown", ".modal.in", function (ev) {
    if (ev.key !== "Tab") { return; }
    var items = focusables(this);
    if (!items.length) { ev.preventDefault(); return; }
    var first = items[0], last = items[items.length - 1];
    if (ev.shiftKey && (document.activeElement === first || document.activeElement === this)) {
      ev.preventDefault(); last.focus();
    } else if (!ev.shiftKey && document.activeElement === last) {
      ev.preventDefault(); first.focus();
    }
  });
  // focus that leaves an open dialog some other way (e.g. tabbing out of the
  // frame of the quick-add dialog) comes back to its first control
  $(document).on("focusin", function (ev) {
    var open = $(".modal.in").last()[0];
    if (open && !$.contains(open, ev.target) && ev.target !== open) {
      var items = focusables(open);
      if (items.length) { items[0].focus(); }
    }
  });
  // the quick-add form inside the dialog: cursor in its first field; Escape closes
  function focusDialogForm() {
    try {
      var frame = $("#ozk-dialog-frame")[0];
      var doc = frame && frame.contentDocument;
      if (!doc || doc.readyState !== "complete" || doc.location.href === "about:blank") { return; }
      var field = doc.querySelector("form input:not([type=hidden]), form select, form textarea");
      if (field && $("#ozk-dialog").hasClass("in")) { field.focus(); }
    } catch (e) { /* another origin: leave focus on the frame */ }
  }
  $("#ozk-dialog-frame").on("load", focusDialogForm);
  // the form may load before the dialog has finished opening, and opening takes the
  // focus to the dialog itself: give it to the form again once the dialog is shown
  $("#ozk-dialog").on("shown.bs.modal", focusDialogForm);
  if (window.parent !== window && /[?&]_dialog=1/.test(window.location.search)) {
    $(document).on("keydown", function (ev) {
      if (ev.key === "Escape" && !$(".select2-container--open").length) {
        window.parent.postMessage({ozkDialogClose: true}, window.location.origin);
      }
    });
  }

  // -- confirmations (any form or button with data-confirm) -------------------
  var pending = null;
  function askThen(message, proceed) {
    pending = proceed;
    $("#ozk-confirm .ozk-confirm-text").text(message);
    $("#ozk-confirm").modal("show");
  }
  $(document).on("click", "#ozk-confirm-yes", function () {
    var go = pending;
    pending = null;
    $("#ozk-confirm").modal("hide");
    if (go) { go(); }
  });
  $(document).on("hidden.bs.modal", "#ozk-confirm", function () { pending = null; });
  $(document).on("submit", "form[data-confirm]", function (ev) {
    var form = this;
    if (form.getAttribute("data-confirmed") === "1") { return true; }
    ev.preventDefault();
    askThen(form.getAttribute("data-confirm"), function () {
      form.setAttribute("data-confirmed", "1");
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    });
    return false;
  });
  $(document).on("click", "a[data-confirm], button[data-confirm]", function (ev) {
    var el = this;
    if (el.getAttribute("data-confirmed") === "1") { el.removeAttribute("data-confirmed"); return true; }
    ev.preventDefault();
    askThen(el.getAttribute("data-confirm"), function () {
      el.setAttribute("data-confirmed", "1");
      el.click();
    });
    return false;
  });

  // -- dates: dd.mm.yyyy whatever the browser's locale ------------------------
  function normalizeDate(value) {
    var v = $.trim(value || ""), m;
    if ((m = v.match(/^(\d{4})-(\d{2})-(\d{2})(.*)$/))) { return m[3] + "." + m[2] + "." + m[1] + m[4].replace("T", " "); }
    if ((m = v.match(/^(\d{2})(\d{2})(\d{4})(.*)$/))) { return m[1] + "." + m[2] + "." + m[3] + m[4]; }
    if ((m = v.match(/^(\d{1,2})[./](\d{1,2})[./](\d{4})(.*)$/))) {
      return ("0" + m[1]).slice(-2) + "." + ("0" + m[2]).slice(-2) + "." + m[3] + m[4];
    }
    return v;
  }
  function normalizeTime(value) {
    var v = $.trim(value || ""), m;
    if ((m = v.match(/^(\d{1,2})(?:[:.]?(\d{2}))?$/)) && +m[1] < 24 && (!m[2] || +m[2] < 60)) {
      return ("0" + m[1]).slice(-2) + ":" + (m[2] || "00");
    }
    return v;
  }
  var DATE_INPUTS = "input.ozk-date, input.ozk-datetime";
  function datepickerLanguage() {
    if (!$.fn.datepicker || !T.months || $.fn.datepicker.dates.ozk) { return; }
    $.fn.datepicker.dates.ozk = {
      days: T.days, daysShort: T.daysMin, daysMin: T.daysMin, months: T.months,
      monthsShort: $.map(T.months, function (m) { return m.slice(0, 3); }),
      today: T.today, clear: T.clear, weekStart: 1, format: "dd.mm.yyyy"
    };
  }
  // the picker is attached on first focus: form inputs and the inputs
  // "Filtre Ekle" adds later alike; a date-time filter keeps its time
  function attachPicker(input) {
    var el = $(input);
    if (!$.fn.datepicker || !T.months || el.data("ozkPicker")) { return; }
    datepickerLanguage();
    el.data("ozkPicker", true);
    el.datepicker({
      language: "ozk", format: "dd.mm.yyyy", weekStart: 1, autoclose: true, forceParse: false,
      todayHighlight: true, todayBtn: "linked"
    });
    if (el.hasClass("ozk-datetime")) {
      el.on("show", function () { el.data("ozkTime", (el.val().split(" ")[1]) || ""); });
      el.on("changeDate", function () {
        var time = el.data("ozkTime");
        if (time && el.val().indexOf(" ") < 0) { el.val(el.val() + " " + time); }
      });
    }
    if (document.activeElement === input) { el.datepicker("show"); }
  }
  $(document).on("focusin", DATE_INPUTS, function () { attachPicker(this); });
  $(document).on("blur", DATE_INPUTS, function () { this.value = normalizeDate(this.value); });
  $(document).on("blur", "input.ozk-time", function () { this.value = normalizeTime(this.value); });
  // Escape closes an open date picker and leaves the cursor in the input
  $(document).on("keydown", DATE_INPUTS, function (ev) {
    if (ev.key === "Escape" && $(this).data("ozkPicker")) { $(this).datepicker("hide"); }
  });

  // decisions that are hard to take back ask too, wherever their form is drawn
  function defaultConfirmations() {
    var rules = [[/\/reject\/[^/]+$/, "confirmReject"], [/\/reopen\/[^/]+$/, "confirmReopen"],
                 [/\/approvals\/bulk$/, "confirmBulk"]];
    $("form[method=post]:not([data-confirm])").each(function () {
      var action = (this.getAttribute("action") || "").split("?")[0];
      for (var i = 0; i < rules.length; i++) {
        if (rules[i][0].test(action) && T[rules[i][1]]) { this.setAttribute("data-confirm", T[rules[i][1]]); }
      }
    });
  }

  $(document).on("change", ".ozk-file-input", function () {
    var name = this.files && this.files.length ? this.files[0].name : "";
    var label = $(this).closest("form").find(".ozk-file-name");
    label.text(name || label.data("empty"));
  });

  $(function () {
    defaultConfirmations();
    $(".ozk-ajax-select").each(function () { initPicker($(this)); });
  });
})(jQuery);

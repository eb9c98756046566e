// Özel Kalem: small progressive enhancements (no external assets).
$(function () {
  $(".ozk-ajax-select").each(function () {
    var el = $(this);
    el.select2({
      ajax: {
        url: el.data("url"), dataType: "json", delay: 200,
        data: function (params) { return { q: params.term || "" }; },
        processResults: function (data) { return { results: data.results }; }
      },
      minimumInputLength: 0, allowClear: true,
      placeholder: el.data("placeholder") || "",
      width: "100%",
      language: { noResults: function () { return "Sonuç bulunamadı"; },
                  searching: function () { return "Aranıyor…"; } }
    });
  });
  $("form[data-confirm]").on("submit", function () { return confirm($(this).data("confirm")); });
});

/* qcity: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  function initCharts() {
    if (typeof window.echarts === "undefined") return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var data = document.getElementById(el.getAttribute("data-chart"));
      if (!data) return;
      var option;
      try { option = JSON.parse(data.textContent); } catch (e) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      if (option.yAxis && option.yAxis.type === "category" && option.yAxis.data) {
        el.style.height = Math.max(300, option.yAxis.data.length * 26 + 60) + "px";
        chart.resize();
      }
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  /* Plan import: hovering or focusing an extracted row marks its place in the source text. */
  function initReview() {
    var rows = document.querySelectorAll("tr.src-row[data-ref]");
    rows.forEach(function (row) {
      var ref = row.getAttribute("data-ref");
      function toggle(on) {
        document.querySelectorAll('mark[data-ref="' + ref + '"]').forEach(function (m) {
          m.classList.toggle("active", on);
          if (on && row.contains(document.activeElement)) {
            m.scrollIntoView({ block: "nearest" });
          }
        });
      }
      row.addEventListener("focusin", function () { toggle(true); });
      row.addEventListener("focusout", function () { toggle(false); });
      row.addEventListener("mouseenter", function () { toggle(true); });
      row.addEventListener("mouseleave", function () { toggle(false); });
    });
  }

  /* Report form (autosaved): the ordinary submit (保存草稿, 提交审核) and the autosave must not cross. An autosave
     on its way holds the submit until it has answered (and updated the version the submit sends); once the
     submit is on its way, an autosave still waiting for its delay is dropped. Either would otherwise bump the
     version under the submit and make it fail as "changed by someone else". */
  function initAutosaveGuard() {
    document.querySelectorAll("form[hx-post][hx-trigger]").forEach(function (form) {
      var leaving = false;
      var held = false;
      form.addEventListener("submit", function (e) {
        if (e.defaultPrevented) return;
        if (held || form.classList.contains("htmx-request")) {
          e.preventDefault();
          if (held) return;
          held = true;
          var by = e.submitter || null;
          form.addEventListener("htmx:afterRequest", function () {
            window.setTimeout(function () { held = false; form.requestSubmit(by); }, 0);
          }, { once: true });
          return;
        }
        leaving = true;
      });
      form.addEventListener("htmx:beforeRequest", function (e) {
        if (leaving || held) e.preventDefault();
      });
      /* The browser refuses to send a form with an invalid field (完成百分比 150), so htmx halts the autosave. Say
         so, instead of leaving the last "草稿已自动保存" standing while nothing is saved. */
      form.addEventListener("htmx:validation:halted", function () {
        var status = document.getElementById("autosave-status");
        var bad = form.querySelector(":invalid");
        if (!status || !bad) return;
        var label = bad.labels && bad.labels.length ? bad.labels[0].textContent.trim() : "";
        status.className = "field-error";
        status.textContent = "未能自动保存：" + (label ? "“" + label + "”" : "有一项") + "填写不符合要求，请改正";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    initCharts();
    initReview();
    initAutosaveGuard();
  });
})();

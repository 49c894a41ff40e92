// Drover report: filters for the index's tables (status and free text). No libraries; runs from disk.
(function () {
  var status = document.getElementById('status-filter');
  var text = document.getElementById('text-filter');
  if (!status || !text) { return; }
  function apply() {
    var s = status.value, q = text.value.trim().toLowerCase(), shown = 0, total = 0;
    document.querySelectorAll('table.filterable tbody tr').forEach(function (row) {
      var ok = (!s || row.getAttribute('data-status') === s) && (!q || row.getAttribute('data-search').indexOf(q) >= 0);
      row.style.display = ok ? '' : 'none';
      total++; if (ok) { shown++; }
    });
    document.getElementById('shown').textContent = shown + ' of ' + total + ' rows shown';
  }
  status.addEventListener('change', apply);
  text.addEventListener('input', apply);
  var params = new URLSearchParams(window.location.search);
  if (params.get('status')) { status.value = params.get('status'); }
  if (params.get('q')) { text.value = params.get('q'); }
  apply();
})();

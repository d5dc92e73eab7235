"""The words of the model in English and Bahasa Indonesia: one table for the CLI, the reports and
the dashboard, so that a stage or a barrier has the same name everywhere.
"""

from __future__ import annotations

from sim.stages import Stage

LANGUAGES = ("en", "id")

# The study's own words for what stands in the way (Fkun 2023); trust is the model's addition.
BARRIER_WORDS: dict[str, str] = {
    "knowledge": "tidak tahu",
    "need": "tidak butuh",
    "willingness": "tidak mau",
    "capacity": "tidak mampu",
    "interest": "tidak berminat",
    "trust": "tidak percaya",
}

TERMS: dict[str, dict[str, str]] = {
    "en": {
        "knowledge": "knowledge",
        "need": "need",
        "willingness": "willingness",
        "capacity": "capacity",
        "interest": "interest",
        "trust": "trust",
        "barrier.knowledge": "does not know",
        "barrier.need": "does not need",
        "barrier.willingness": "does not want",
        "barrier.capacity": "is not able",
        "barrier.interest": "is not interested",
        "barrier.trust": "does not trust",
        "stage.none": "none",
        "stage.planning": "planning",
        "stage.initiation": "initiation",
        "stage.organising": "organising",
        "stage.implementation": "implementation",
        "stage.monitoring": "monitoring & evaluation",
    },
    "id": {
        "knowledge": "pengetahuan",
        "need": "kebutuhan",
        "willingness": "kemauan",
        "capacity": "kemampuan",
        "interest": "minat",
        "trust": "kepercayaan",
        **{f"barrier.{a}": word for a, word in BARRIER_WORDS.items()},
        "stage.none": "belum ada",
        "stage.planning": "perencanaan awal",
        "stage.initiation": "inisiasi",
        "stage.organising": "pengorganisasian",
        "stage.implementation": "pelaksanaan",
        "stage.monitoring": "monitoring dan evaluasi",
    },
}


# Words of the report and its figures (the dashboard takes its labels from here too).
TERMS["en"].update(
    {
        "and": "and",
        "setup.status_quo": "Status quo",
        "setup.key_actor": "Key actor (bishop)",
        "setup.regional_management": "Regional Management",
        "setup.rm_plus": "Regional Management plus",
        "setup.province_led": "Province-led",
        "setup.custom": "Custom",
        "axis.formed": "runs in which cooperation formed within the horizon (%)",
        "axis.interval": "bars: 95 % interval",
        "axis.formed_short": "cooperation formed (%)",
        "axis.difference": "difference from the status quo in the same runs (percentage points)",
        "axis.month": "month",
        "axis.reached": "runs whose initiative reached the stage (%)",
        "axis.sustained": "lasting: in force at the end, through an evaluation (%)",
        "axis.after_election": "dissolutions within a year of an election, per 100 runs",
        "axis.share": "share of the shortfall",
        "axis.value": "value (0–1)",
        "axis.index": "index",
        "axis.points": "design points",
        "title.formation": "Cooperation formed within {months} months",
        "title.difference": "Difference from the status quo (paired runs)",
        "title.survival": "Time to formation: runs in which cooperation has not yet formed",
        "axis.not_formed": "runs in which cooperation has not yet formed (%)",
        "title.participation": "Who takes part: runs in which each regency was a member at some time",
        "axis.participation": "runs in which it was a member (%); on the bar: mean months as a member",
        "axis.months_in_force": "months in force (mean over all runs)",
        "axis.dissolutions": "dissolutions per 100 runs (dark: within a year of an election)",
        "title.effects": "What each part carries: difference from the reference level (share of the differences between variants)",
        "axis.effect_formation": "difference in formation (percentage points)",
        "axis.effect_months": "difference in months in force",
        "title.funnel": "How far the initiative gets: the grand design",
        "title.durability": "How durably: months in force, lasting cooperation, dissolutions",
        "title.barriers": "What stands in the way, before cooperating",
        "title.trajectory": "{label}: median and 10–90 % band of 500 runs",
        "title.sweep": "Formation rate against each factor",
        "title.map": "Formation rate over two factors (%)",
        "title.sobol": "Sobol indices of {output}: first order and total",
        "title.morris": "Morris screening of {output}",
        "title.discovery": "Where cooperation forms with probability ≥ {threshold}",
        "legend.first_order": "first order (S1)",
        "legend.total": "total (ST)",
        "legend.in_box": "in the box",
        "legend.high": "formation ≥ {threshold}",
        "legend.low": "formation < {threshold}",
        "output.formation_rate": "the formation rate",
        "output.sustained_rate": "the sustained rate",
        "output.months_in_force": "months in force",
        "output.months_to_formation": "months to formation",
    }
)
TERMS["id"].update(
    {
        "and": "dan",
        "setup.status_quo": "Status quo",
        "setup.key_actor": "Aktor kunci (uskup)",
        "setup.regional_management": "Regional Management",
        "setup.rm_plus": "Regional Management plus",
        "setup.province_led": "Dipimpin provinsi",
        "setup.custom": "Khusus",
        "axis.formed": "run dengan kerja sama terbentuk dalam kurun waktu (%)",
        "axis.interval": "garis: interval 95 %",
        "axis.formed_short": "kerja sama terbentuk (%)",
        "axis.difference": "selisih dari status quo pada run yang sama (poin persentase)",
        "axis.month": "bulan",
        "axis.reached": "run yang inisiatifnya mencapai tahap ini (%)",
        "axis.sustained": "bertahan: masih berjalan di akhir, melewati evaluasi (%)",
        "axis.after_election": "pembubaran dalam setahun setelah pemilu, per 100 run",
        "axis.share": "porsi kekurangan",
        "axis.value": "nilai (0–1)",
        "axis.index": "indeks",
        "axis.points": "titik rancangan",
        "title.formation": "Kerja sama terbentuk dalam {months} bulan",
        "title.difference": "Selisih dari status quo (run berpasangan)",
        "title.survival": "Waktu sampai terbentuk: run yang kerja samanya belum terbentuk",
        "axis.not_formed": "run yang kerja samanya belum terbentuk (%)",
        "title.participation": "Siapa yang ikut: run di mana tiap kabupaten pernah menjadi anggota",
        "axis.participation": "run di mana kabupaten pernah menjadi anggota (%); pada batang: rata-rata bulan sebagai anggota",
        "axis.months_in_force": "bulan kerja sama berjalan (rata-rata semua run)",
        "axis.dissolutions": "pembubaran per 100 run (gelap: dalam setahun setelah pemilu)",
        "title.effects": "Sumbangan tiap bagian: selisih dari tingkat acuan (porsi dari perbedaan antarvarian)",
        "axis.effect_formation": "selisih pembentukan (poin persentase)",
        "axis.effect_months": "selisih bulan kerja sama berjalan",
        "title.funnel": "Seberapa jauh inisiatif berjalan: grand design",
        "title.durability": "Seberapa lama bertahan: bulan berjalan, kerja sama yang bertahan, pembubaran",
        "title.barriers": "Apa yang menghalangi, sebelum bekerja sama",
        "title.trajectory": "{label}: median dan pita 10–90 % dari 500 run",
        "title.sweep": "Tingkat pembentukan menurut tiap faktor",
        "title.map": "Tingkat pembentukan menurut dua faktor (%)",
        "title.sobol": "Indeks Sobol untuk {output}: orde pertama dan total",
        "title.morris": "Penyaringan Morris untuk {output}",
        "title.discovery": "Di mana kerja sama terbentuk dengan peluang ≥ {threshold}",
        "legend.first_order": "orde pertama (S1)",
        "legend.total": "total (ST)",
        "legend.in_box": "di dalam kotak",
        "legend.high": "pembentukan ≥ {threshold}",
        "legend.low": "pembentukan < {threshold}",
        "output.formation_rate": "tingkat pembentukan",
        "output.sustained_rate": "tingkat keberlanjutan",
        "output.months_in_force": "bulan kerja sama berjalan",
        "output.months_to_formation": "bulan hingga terbentuk",
    }
)

# The report's headings, explanations and findings.
TERMS["en"].update(
    {
        "report.title": "Kerjasama report: {name}",
        "report.summary": "What the experiment found",
        "report.about": "What was run",
        "report.compare": "Comparing setups: how often, how fast, how durably",
        "report.compare_text": "Each setup ran the same replications of the seed (common random numbers), so differences between setups come from the setups, not from luck. Intervals are 95 % Wilson intervals; differences from the status quo are paired, run by run.",
        "report.why": "Why it fails: what stands in the way",
        "report.why_text": "Each month a regency is not yet cooperating, its shortfall below the threshold of every gate still ahead is counted per attribute. The heatmap shows each attribute's share of the total: the study's diagnosis — tidak tahu, tidak butuh, tidak mau, tidak mampu, tidak berminat — in numbers.",
        "report.trajectories": "Trajectories: how the regencies change",
        "report.trajectories_text": "The median and the 10–90 % band of each attribute of each regency, month by month, over the first 500 runs of each arm.",
        "report.sweeps": "Sweeps: formation against each factor",
        "report.sweeps_text": "Formation rates pooled over the design points at each value of a factor (for continuous factors, over bins of equal numbers of points), with 95 % intervals.",
        "report.sensitivity": "Sensitivity: which lever matters most",
        "report.sobol_text": "Sobol indices (Saltelli's scheme, SALib) of each output's mean over the common-seed replications of a point. S1: the share of the output's variance a factor explains alone; ST: alone and with others. Factors ranked by ST; bars show 95 % intervals.",
        "report.morris_text": "Morris elementary effects (SALib): μ*, the mean absolute effect of a factor, ranks the factors; σ shows how much its effect depends on the others.",
        "report.discovery": "Scenario discovery: under what conditions cooperation forms",
        "report.discovery_text": "PRIM (the Patient Rule Induction Method) finds a box of the factor space where cooperation forms with probability of at least {threshold}. Coverage: the share of all such points that lie in the box; density: the share of the points in the box that are such points.",
        "report.points": "Design points with the highest formation rates",
        "report.effects": "What each part carries",
        "report.effects_text": "The design is a full factorial: each factor's effect is the mean difference, over every combination of the other factors, between the outcome at a level and at the first level the experiment lists (for a switch listed true then false: what taking it away does). Its share is the part of the differences between the design points that the factor explains on its own; what no factor explains on its own comes from their interplay.",
        "table.setup": "setup",
        "table.point": "point",
        "table.formed": "formed (95 % CI)",
        "table.median": "median months",
        "table.sustained": "lasting",
        "table.months_in_force": "months in force",
        "table.participation": "taking part (% of runs)",
        "table.level": "instead of the reference",
        "table.effect_formation": "formation (points)",
        "table.effect_months": "months in force",
        "table.share": "share of the differences (formation, months)",
        "table.barriers": "top barrier",
        "table.difference": "vs status quo (95 % CI)",
        "table.factor": "factor",
        "table.box": "box",
        "table.coverage": "coverage",
        "table.density": "density",
        "about.experiment": "Experiment",
        "about.scenario": "Scenario",
        "about.design": "Design",
        "about.seed": "Seed",
        "about.runs": "Runs",
        "about.months": "Horizon",
        "about.versions": "Versions",
        "about.finished": "Finished",
        "about.commit": "Source",
        "about.design_text": "{kind}, {points} {unit}, {replications} replications each",
        "about.arms": "arms",
        "kind.arms": "arms",
        "kind.grid": "grid",
        "kind.lhs": "Latin hypercube",
        "kind.sobol": "Sobol",
        "kind.morris": "Morris",
        "about.points": "points",
        "about.failed": "failed",
        "about.dirty": "with uncommitted changes",
        "range_to": "to",
        "finding.best": "Cooperation formed most often under {setup}: in {rate:.1f} % of runs (95 % CI {low:.1f}–{high:.1f} %), after a median of {months} months, and it was still in force at the end in {sustained:.1f} % of runs.",
        "finding.reference": "Under the status quo it formed in {rate:.1f} % of runs; {setup} adds {difference:+.1f} percentage points in the same runs (95 % CI {low:+.1f} to {high:+.1f}).",
        "finding.each": "{setup}: {rate:.1f} % ({low:.1f}–{high:.1f} %).",
        "finding.durable": "Cooperation lasted longest under {setup}: {months:.1f} months in force on average over all runs, with {dissolutions:.2f} dissolutions a run.",
        "finding.participation": "Under {setup}, the regencies took part in this share of runs: {shares}.",
        "finding.effect": "{change}: formation {formation:+.1f} percentage points, months in force {months:+.1f} (its own share of the differences between the variants: {share_formation:.0f} % and {share_months:.0f} %).",
        "finding.effect_durability_only": "{change}: cooperation forms as often ({formation:+.1f} points), but its months in force change by {months:+.1f} ({share_months:.0f} % of the differences in months in force): this part acts on how long cooperation lasts, not on whether it forms.",
        "finding.effect_none": "{change}: neither how often cooperation forms ({formation:+.1f} points) nor how long it lasts ({months:+.1f} months) changes measurably: this part adds nothing here.",
        "finding.interplay": "On their own the factors explain {formation:.0f} % of the differences in formation between the variants and {months:.0f} % of those in months in force; the rest is their interplay.",
        "finding.barrier": "Under {setup}, what stands in the way most: {barriers}.",
        "finding.range": "Across {points} design points, cooperation formed in {low:.1f} % to {high:.1f} % of runs.",
        "finding.sensitivity": "For {output} under {setup}, the factor that matters most is {factor} (total Sobol index {index:.2f}), then {second} ({second_index:.2f}).",
        "finding.morris": "For {output} under {setup}, the factor with the largest effect is {factor} (μ* = {index:.2f}), then {second} ({second_index:.2f}).",
        "finding.box": "Under {setup}, cooperation forms with probability ≥ {threshold} in {density} of the design points where {box}; these points are {coverage} of all such points.",
        "finding.no_box": "Under {setup}, no design point reached a formation rate of {threshold}.",
        "months": "months",
        "never": "never",
        "everywhere": "the factors take any value in the explored ranges",
    }
)
TERMS["id"].update(
    {
        "report.title": "Laporan Kerjasama: {name}",
        "report.summary": "Temuan eksperimen",
        "report.about": "Apa yang dijalankan",
        "report.compare": "Perbandingan pengaturan: seberapa sering, seberapa cepat, seberapa lama",
        "report.compare_text": "Setiap pengaturan menjalankan replikasi yang sama dari seed yang sama (common random numbers), sehingga perbedaan antar pengaturan berasal dari pengaturannya, bukan dari kebetulan. Interval adalah interval Wilson 95 %; selisih dari status quo dihitung berpasangan, run demi run.",
        "report.why": "Mengapa gagal: apa yang menghalangi",
        "report.why_text": "Setiap bulan sebuah kabupaten belum bekerja sama, kekurangannya di bawah ambang setiap gerbang yang masih harus dilalui dihitung per atribut. Peta panas menunjukkan porsi tiap atribut dari total: diagnosis studi — tidak tahu, tidak butuh, tidak mau, tidak mampu, tidak berminat — dalam angka.",
        "report.trajectories": "Lintasan: bagaimana kabupaten berubah",
        "report.trajectories_text": "Median dan pita 10–90 % setiap atribut setiap kabupaten, bulan demi bulan, dari 500 run pertama tiap pengaturan.",
        "report.sweeps": "Pengaruh tiap faktor terhadap pembentukan",
        "report.sweeps_text": "Tingkat pembentukan digabung atas titik rancangan pada tiap nilai faktor (untuk faktor kontinu, atas kelompok dengan jumlah titik yang sama), dengan interval 95 %.",
        "report.sensitivity": "Analisis sensitivitas: pengungkit mana yang paling penting",
        "report.sobol_text": "Indeks Sobol (skema Saltelli, SALib) dari rata-rata tiap keluaran atas replikasi bersama sebuah titik. S1: porsi varians keluaran yang dijelaskan faktor itu sendiri; ST: sendiri dan bersama faktor lain. Faktor diurutkan menurut ST; garis menunjukkan interval 95 %.",
        "report.morris_text": "Efek elementer Morris (SALib): μ*, rata-rata efek absolut suatu faktor, mengurutkan faktor; σ menunjukkan seberapa jauh efeknya bergantung pada faktor lain.",
        "report.discovery": "Penemuan skenario: dalam kondisi apa kerja sama terbentuk",
        "report.discovery_text": "PRIM (Patient Rule Induction Method) mencari sebuah kotak dalam ruang faktor di mana kerja sama terbentuk dengan peluang paling sedikit {threshold}. Cakupan: porsi semua titik seperti itu yang berada di dalam kotak; kepadatan: porsi titik di dalam kotak yang merupakan titik seperti itu.",
        "report.points": "Titik rancangan dengan tingkat pembentukan tertinggi",
        "report.effects": "Apa sumbangan tiap bagian",
        "report.effects_text": "Rancangannya faktorial penuh: efek sebuah faktor adalah selisih rata-rata, atas setiap kombinasi faktor lainnya, antara hasil pada suatu tingkat dan pada tingkat pertama yang dicantumkan eksperimen (untuk sakelar yang dicantumkan true lalu false: akibat jika bagian itu dihilangkan). Porsinya adalah bagian dari perbedaan antartitik rancangan yang dijelaskan faktor itu sendiri; sisanya berasal dari interaksi antarfaktor.",
        "table.setup": "pengaturan",
        "table.point": "titik",
        "table.formed": "terbentuk (IK 95 %)",
        "table.median": "median bulan",
        "table.sustained": "bertahan",
        "table.months_in_force": "bulan berjalan",
        "table.participation": "ikut serta (% run)",
        "table.level": "alih-alih acuan",
        "table.effect_formation": "pembentukan (poin)",
        "table.effect_months": "bulan berjalan",
        "table.share": "porsi dari perbedaan (pembentukan, bulan)",
        "table.barriers": "penghalang utama",
        "table.difference": "vs status quo (IK 95 %)",
        "table.factor": "faktor",
        "table.box": "kotak",
        "table.coverage": "cakupan",
        "table.density": "kepadatan",
        "about.experiment": "Eksperimen",
        "about.scenario": "Skenario",
        "about.design": "Rancangan",
        "about.seed": "Seed",
        "about.runs": "Run",
        "about.months": "Kurun waktu",
        "about.versions": "Versi",
        "about.finished": "Selesai",
        "about.commit": "Sumber",
        "about.design_text": "{kind}, {points} {unit}, masing-masing {replications} replikasi",
        "about.arms": "perlakuan",
        "kind.arms": "perbandingan",
        "kind.grid": "grid",
        "kind.lhs": "Latin hypercube",
        "kind.sobol": "Sobol",
        "kind.morris": "Morris",
        "about.points": "titik",
        "about.failed": "gagal",
        "about.dirty": "dengan perubahan yang belum di-commit",
        "range_to": "hingga",
        "finding.best": "Kerja sama paling sering terbentuk dengan {setup}: pada {rate:.1f} % run (IK 95 % {low:.1f}–{high:.1f} %), setelah median {months} bulan, dan masih berjalan di akhir pada {sustained:.1f} % run.",
        "finding.reference": "Dengan status quo kerja sama terbentuk pada {rate:.1f} % run; {setup} menambah {difference:+.1f} poin persentase pada run yang sama (IK 95 % {low:+.1f} sampai {high:+.1f}).",
        "finding.each": "{setup}: {rate:.1f} % ({low:.1f}–{high:.1f} %).",
        "finding.durable": "Kerja sama paling lama berjalan dengan {setup}: rata-rata {months:.1f} bulan atas semua run, dengan {dissolutions:.2f} pembubaran per run.",
        "finding.participation": "Dengan {setup}, kabupaten ikut serta pada porsi run berikut: {shares}.",
        "finding.effect": "{change}: pembentukan {formation:+.1f} poin persentase, bulan berjalan {months:+.1f} (porsinya sendiri dari perbedaan antarvarian: {share_formation:.0f} % dan {share_months:.0f} %).",
        "finding.effect_durability_only": "{change}: kerja sama terbentuk sama seringnya ({formation:+.1f} poin), tetapi bulan berjalannya berubah {months:+.1f} ({share_months:.0f} % dari perbedaan bulan berjalan): bagian ini memengaruhi berapa lama kerja sama bertahan, bukan apakah ia terbentuk.",
        "finding.effect_none": "{change}: baik seberapa sering kerja sama terbentuk ({formation:+.1f} poin) maupun berapa lama ia bertahan ({months:+.1f} bulan) tidak berubah secara berarti: bagian ini tidak menambah apa pun di sini.",
        "finding.interplay": "Secara sendiri-sendiri faktor-faktor menjelaskan {formation:.0f} % dari perbedaan pembentukan antarvarian dan {months:.0f} % dari perbedaan bulan berjalan; sisanya adalah interaksi antarfaktor.",
        "finding.barrier": "Dengan {setup}, penghalang terbesar: {barriers}.",
        "finding.range": "Di antara {points} titik rancangan, kerja sama terbentuk pada {low:.1f} % sampai {high:.1f} % run.",
        "finding.sensitivity": "Untuk {output} dengan {setup}, faktor yang paling penting adalah {factor} (indeks Sobol total {index:.2f}), lalu {second} ({second_index:.2f}).",
        "finding.morris": "Untuk {output} dengan {setup}, faktor dengan efek terbesar adalah {factor} (μ* = {index:.2f}), lalu {second} ({second_index:.2f}).",
        "finding.box": "Dengan {setup}, kerja sama terbentuk dengan peluang ≥ {threshold} pada {density} titik rancangan di mana {box}; titik-titik ini mencakup {coverage} dari semua titik seperti itu.",
        "finding.no_box": "Dengan {setup}, tidak ada titik rancangan yang mencapai tingkat pembentukan {threshold}.",
        "months": "bulan",
        "never": "tidak pernah",
        "everywhere": "faktor-faktor bernilai berapa pun dalam rentang yang dijelajahi",
    }
)

# The dashboard's words.
TERMS["en"].update(
    {
        "ui.title": "Kerjasama — inter-regional cooperation on the Timor border",
        "ui.settings": "Settings",
        "ui.settings_note": "Change the settings, then press Reset to start a run with them. The live odds follow every change at once.",
        "ui.setup": "Setup",
        "ui.key_actor": "A key actor convenes dialogue",
        "ui.meetings": "Meetings per month",
        "ui.strategy": "Strategy of the key actor",
        "strategy.forum": "forum: everyone together",
        "strategy.weakest_first": "weakest first, with the strongest",
        "strategy.round_robin": "pairs in turn",
        "ui.legitimacy": "Legitimacy of the key actor in {regency}",
        "ui.body": "Cooperation body",
        "body.none": "none (informal)",
        "body.regional_management": "Regional Management",
        "body.joint_secretariat": "joint secretariat",
        "ui.local_wisdom": "Local wisdom",
        "ui.adat_leaders": "adat leaders endorse the cooperation",
        "ui.adat_sanctions": "adat sanctions back the agreement",
        "ui.local_regulation": "a Perda (local regulation) anchors it",
        "ui.regency_attributes": "{regency}: starting attributes",
        "ui.months": "Horizon (months)",
        "ui.seed": "Seed (a whole number)",
        "ui.bad_seed": "The seed must be a whole number such as 1 or 2024 (0 to 2⁶³−1), not “{value}”. The run keeps the scenario's seed until it is corrected.",
        "ui.run": "Run",
        "ui.reset": "Reset",
        "ui.play": "▶ Play",
        "ui.pause": "❚❚ Pause",
        "ui.step": "Step",
        "ui.play_interval": "Milliseconds per month",
        "ui.run_ended": "The run has reached its horizon. Reset starts a new one.",
        "ui.map": "Map",
        "ui.timeline": "Grand design timeline",
        "ui.attributes": "Attributes",
        "ui.odds": "Live odds",
        "ui.about": "About",
        "ui.export": "Export",
        "ui.month": "Month {month} of {months}",
        "ui.initiative": "initiative",
        "ui.election": "election",
        "ui.drought": "drought",
        "ui.meeting": "dashed: the key actor's meetings this month",
        "ui.binding": "{regency} is held back by: {barrier}",
        "ui.cooperating": "{regency} is cooperating",
        "ui.odds_text": "Probability that cooperation forms within {months} months",
        "ui.odds_current": "these settings",
        "ui.odds_status_quo": "status quo",
        "ui.odds_lasting": "still cooperating at the end",
        "ui.odds_difference": "difference in the same runs",
        "ui.odds_note": "{runs} runs each, the same draws (seed {seed}); 95 % intervals",
        "ui.odds_blocked": "No odds while a setting cannot be used (see Settings).",
        "ui.odds_failed": "The odds could not be computed",
        "ui.points": "percentage points",
        "ui.computing": "computing…",
        "ui.download_settings": "Settings as a scenario file (TOML)",
        "ui.download_data": "This run, month by month (CSV)",
        "ui.export_note": "The scenario file runs with: kerjasama run {file}",
        "ui.export_blocked": "The settings file is not offered while a setting cannot be used.",
        "ui.export_not_run": "The settings have changed since the last Reset: the file has the new settings, the CSV the run on screen.",
        "ui.timor_leste": "Timor-Leste",
        "ui.oecusse": "Oecusse (Timor-Leste)",
        "ui.seat": "{seat}: seat of {name}",
        "ui.schematic": "schematic · grey lines: mutual trust",
        "ui.formed": "Cooperation formed in month {month}; members: {members}",
        "ui.dissolved": "Cooperation formed in month {month}, then dissolved",
        "ui.not_formed": "No cooperation yet",
    }
)
TERMS["id"].update(
    {
        "ui.title": "Kerjasama — kerja sama antardaerah di perbatasan Timor",
        "ui.settings": "Pengaturan",
        "ui.settings_note": "Ubah pengaturan, lalu tekan Mulai ulang untuk memulai simulasi dengan pengaturan itu. Peluang terkini mengikuti setiap perubahan.",
        "ui.setup": "Pengaturan kelembagaan",
        "ui.key_actor": "Aktor kunci memfasilitasi dialog",
        "ui.meetings": "Pertemuan per bulan",
        "ui.strategy": "Strategi aktor kunci",
        "strategy.forum": "forum: semua bersama",
        "strategy.weakest_first": "yang terlemah dulu, bersama yang terkuat",
        "strategy.round_robin": "berpasangan bergiliran",
        "ui.legitimacy": "Legitimasi aktor kunci di {regency}",
        "ui.body": "Badan kerja sama",
        "body.none": "tidak ada (informal)",
        "body.regional_management": "Regional Management",
        "body.joint_secretariat": "sekretariat bersama",
        "ui.local_wisdom": "Kearifan lokal",
        "ui.adat_leaders": "tokoh adat merestui kerja sama",
        "ui.adat_sanctions": "sanksi adat menopang kesepakatan",
        "ui.local_regulation": "Perda menjadi landasannya",
        "ui.regency_attributes": "{regency}: atribut awal",
        "ui.months": "Kurun waktu (bulan)",
        "ui.seed": "Seed (bilangan bulat)",
        "ui.bad_seed": "Seed harus bilangan bulat, misalnya 1 atau 2024 (0 sampai 2⁶³−1), bukan “{value}”. Simulasi tetap memakai seed skenario sampai diperbaiki.",
        "ui.run": "Simulasi",
        "ui.reset": "Mulai ulang",
        "ui.play": "▶ Jalankan",
        "ui.pause": "❚❚ Jeda",
        "ui.step": "Langkah",
        "ui.play_interval": "Milidetik per bulan",
        "ui.run_ended": "Simulasi sudah mencapai akhir kurun waktu. Tekan Mulai ulang untuk memulai simulasi baru.",
        "ui.map": "Peta",
        "ui.timeline": "Lini waktu grand design",
        "ui.attributes": "Atribut",
        "ui.odds": "Peluang terkini",
        "ui.about": "Tentang",
        "ui.export": "Ekspor",
        "ui.month": "Bulan {month} dari {months}",
        "ui.initiative": "inisiatif",
        "ui.election": "pemilu",
        "ui.drought": "kekeringan",
        "ui.meeting": "putus-putus: pertemuan aktor kunci bulan ini",
        "ui.binding": "{regency} tertahan oleh: {barrier}",
        "ui.cooperating": "{regency} sedang bekerja sama",
        "ui.odds_text": "Peluang kerja sama terbentuk dalam {months} bulan",
        "ui.odds_current": "pengaturan ini",
        "ui.odds_status_quo": "status quo",
        "ui.odds_lasting": "masih bekerja sama di akhir",
        "ui.odds_difference": "selisih pada simulasi yang sama",
        "ui.odds_note": "masing-masing {runs} simulasi, bilangan acak yang sama (seed {seed}); interval 95 %",
        "ui.odds_blocked": "Peluang tidak dihitung selama ada pengaturan yang tidak dapat dipakai (lihat Pengaturan).",
        "ui.odds_failed": "Peluang tidak dapat dihitung",
        "ui.points": "poin persentase",
        "ui.computing": "menghitung…",
        "ui.download_settings": "Pengaturan sebagai berkas skenario (TOML)",
        "ui.download_data": "Simulasi ini, bulan demi bulan (CSV)",
        "ui.export_note": "Berkas skenario dijalankan dengan: kerjasama run {file}",
        "ui.export_blocked": "Berkas pengaturan tidak tersedia selama ada pengaturan yang tidak dapat dipakai.",
        "ui.export_not_run": "Pengaturan berubah sejak simulasi ini dimulai: berkas berisi pengaturan baru, CSV berisi simulasi di layar.",
        "ui.timor_leste": "Timor-Leste",
        "ui.oecusse": "Oecusse (Timor-Leste)",
        "ui.seat": "{seat}: kedudukan {name}",
        "ui.schematic": "skematis · garis abu-abu: saling percaya",
        "ui.formed": "Kerja sama terbentuk pada bulan {month}; anggota: {members}",
        "ui.dissolved": "Kerja sama terbentuk pada bulan {month}, lalu bubar",
        "ui.not_formed": "Belum ada kerja sama",
    }
)

FACTOR_WORDS = {
    "en": {
        "setup.key_actor": "the key actor",
        "setup.body": "the cooperation body",
        "setup.manager": "the manager",
        "setup.funding": "cost sharing",
        "setup.adat_leaders": "adat leaders",
        "setup.adat_sanctions": "adat sanctions",
        "setup.local_regulation": "a Perda",
        "programmes.maize_cattle.cost": "cost of the maize–cattle programme",
        "rules.manager.professional.legitimacy": "legitimacy of a professional manager",
        "rules.local_wisdom.sanction": "what defecting costs under adat sanctions",
        "exposure": "exposure of {regency} to the {kind}",
        "exposure.watershed": "watershed",
        "exposure.market": "markets",
        "exposure.value_chain": "value chain",
        "key_actor.legitimacy": "legitimacy of the key actor",
        "key_actor.meetings_per_month": "meetings a month",
        "key_actor.strategy": "strategy of the key actor",
        "key_actor.funds": "funds of the key actor",
        "scenario.programme": "programme",
        "threshold": "threshold of {attribute} at {stage}",
        "in": "{what} in {regency}",
        "of": "{attribute} of {regency}",
    },
    "id": {
        "setup.key_actor": "aktor kunci",
        "setup.body": "badan kerja sama",
        "setup.manager": "manajer",
        "setup.funding": "pembagian biaya",
        "setup.adat_leaders": "tokoh adat",
        "setup.adat_sanctions": "sanksi adat",
        "setup.local_regulation": "Perda",
        "programmes.maize_cattle.cost": "biaya program jagung–sapi",
        "rules.manager.professional.legitimacy": "legitimasi manajer profesional",
        "rules.local_wisdom.sanction": "harga pengingkaran di bawah sanksi adat",
        "exposure": "keterpaparan {regency} terhadap {kind}",
        "exposure.watershed": "daerah aliran sungai",
        "exposure.market": "pasar",
        "exposure.value_chain": "rantai nilai",
        "key_actor.legitimacy": "legitimasi aktor kunci",
        "key_actor.meetings_per_month": "pertemuan per bulan",
        "key_actor.strategy": "strategi aktor kunci",
        "key_actor.funds": "dana aktor kunci",
        "scenario.programme": "program",
        "threshold": "ambang {attribute} pada {stage}",
        "in": "{what} di {regency}",
        "of": "{attribute} {regency}",
    },
}


def factor_name(path: str, lang: str = "en") -> str:
    """A factor's dotted path in words: "legitimacy of the key actor in Malaka", "capacity of Belu"."""
    words = FACTOR_WORDS.get(lang, FACTOR_WORDS["en"])
    parts = path.split(".")
    if parts[0] == "regency" and len(parts) == 3:
        return words["of"].format(attribute=term(parts[2], lang), regency=parts[1])
    if parts[:2] == ["rules", "gates"] and len(parts) == 4:
        return words["threshold"].format(attribute=term(parts[3], lang), stage=term(f"stage.{parts[2]}", lang))
    if parts[0] == "exposure" and len(parts) == 3:
        kind = words.get(f"exposure.{parts[1]}", parts[1])
        return words["exposure"].format(regency=parts[2], kind=kind)
    if parts[:2] == ["key_actor", "legitimacy"] and len(parts) == 3:
        what = words["key_actor.legitimacy"]
        return what if parts[2] == "*" else words["in"].format(what=what, regency=parts[2])
    if path in words:
        return words[path]
    return ".".join(parts[1:]) if parts[0] in ("rules", "shocks", "setup") else path


LEVEL_WORDS = {
    "en": {
        "without": "without {factor}",
        "with": "with {factor}",
        "instead": "{factor}: {level} instead of {reference}",
        "funding.equal": "equal shares",
        "funding.by_capacity": "shares by capacity",
        "funding.provincial": "provincial co-funding",
        "manager.professional": "a professional",
        "manager.seconded": "seconded officials",
    },
    "id": {
        "without": "tanpa {factor}",
        "with": "dengan {factor}",
        "instead": "{factor}: {level} alih-alih {reference}",
        "funding.equal": "bagian sama rata",
        "funding.by_capacity": "bagian menurut kemampuan",
        "funding.provincial": "didanai bersama provinsi",
        "manager.professional": "manajer profesional",
        "manager.seconded": "pejabat yang diperbantukan",
    },
}


def level_label(factor: str, level: object, reference: object, lang: str = "en") -> str:
    """A level of a factor against its reference, in words: "without adat sanctions", "cost
    sharing: equal shares instead of shares by capacity"."""
    words = LEVEL_WORDS.get(lang, LEVEL_WORDS["en"])
    name = factor_name(factor, lang)
    flags = {"True": True, "False": False, "true": True, "false": False}

    def flag(value: object) -> bool | None:
        """A switch's value (summary.csv gives them back as text), or None for anything else."""
        return value if isinstance(value, bool) else flags.get(value) if isinstance(value, str) else None

    if flag(level) is not None and flag(reference) is not None and flag(level) != flag(reference):
        return words["with" if flag(level) else "without"].format(factor=name)
    key = factor.split(".")[-1]

    def said(value: object) -> str:
        return words.get(f"{key}.{value}", str(value))

    return words["instead"].format(factor=name, level=said(level), reference=said(reference))


def setup_name(preset: str, lang: str = "en") -> str:
    return TERMS.get(lang, TERMS["en"]).get(f"setup.{preset}") or preset


def term(key: str, lang: str = "en") -> str:
    """The word for `key` in `lang`, falling back to English, then to the key itself."""
    return TERMS.get(lang, {}).get(key) or TERMS["en"].get(key, key)


def number(value: float, lang: str = "en", digits: int = 0, sign: bool = False) -> str:
    """A number as readers of `lang` write it: 2,000.5 in English, 2.000,5 in Indonesian."""
    text = f"{value:{'+' if sign else ''},.{digits}f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "id" else text


def stage_name(stage: Stage | int, lang: str = "en") -> str:
    return term(f"stage.{Stage(stage).name.lower()}", lang)


def barrier_phrase(attribute: str, lang: str = "en") -> str:
    """The study's words with a gloss: 'tidak tahu (does not know)', 'tidak tahu (pengetahuan)'."""
    gloss = TERMS["en"][f"barrier.{attribute}"] if lang == "en" else term(attribute, lang)
    return f"{BARRIER_WORDS[attribute]} ({gloss})"

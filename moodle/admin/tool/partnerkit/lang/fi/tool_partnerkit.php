<?php
// This file is part of tool_partnerkit, a Moodle admin tool shipped with partnerkit.
//
// tool_partnerkit is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// tool_partnerkit is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

/**
 * Finnish strings of tool_partnerkit.
 *
 * @package    tool_partnerkit
 * @copyright  2026 partnerkit maintainers
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$string['applied'] = 'Kurssi päivitettiin: {$a} muutosta.';
$string['apply'] = 'Päivitä kurssi';
$string['aspect_chapters'] = 'luvut';
$string['aspect_files'] = 'tiedostot';
$string['change_added'] = 'Uusi aktiviteetti';
$string['change_changed'] = 'Muuttunut aktiviteetti';
$string['change_course'] = 'Kurssin asetukset';
$string['change_criteria'] = 'Kurssin suoritusehdot, ehtoja nyt';
$string['change_eventadded'] = 'Uusi kalenteritapahtuma';
$string['change_eventchanged'] = 'Muuttunut kalenteritapahtuma';
$string['change_eventremoved'] = 'Poistettu kalenteritapahtuma';
$string['change_order'] = 'Aktiviteettien järjestys osiossa';
$string['change_removed'] = 'Poistettu aktiviteetti';
$string['change_sectionadded'] = 'Uusi osio';
$string['change_sectionchanged'] = 'Muuttunut osio';
$string['change_sectionremoved'] = 'Poistettu tyhjä osio';
$string['check_archive'] = '{$a} ei ole luettava kurssin varmuuskopio';
$string['check_badfolder'] = 'moodle_backup.xml nimeää kelvottoman kansion: {$a}';
$string['check_badxml'] = '{$a} ei ole kelvollista XML:ää';
$string['check_damagedcontent'] = 'tiedoston {$a} sisältö ei vastaa tarkistussummaa';
$string['check_missingcontent'] = 'tiedoston {$a} sisältö puuttuu';
$string['check_missingfile'] = '{$a} puuttuu';
$string['check_noactivities'] = 'paketissa ei ole aktiviteetteja';
$string['check_notcourse'] = 'paketti ei ole kurssin varmuuskopio';
$string['check_notpartnerkit'] = '{$a}: aktiviteetilta puuttuu partnerkitin tunniste (idnumber partnerkit:...); tee paketti partnerkitillä';
$string['check_restorecount'] = 'Moodle palautti paketin {$a->expected} aktiviteetista vain {$a->found}';
$string['cli_help'] = 'Päivittää olemassa olevan kurssin paikallaan partnerkitin tekemästä kurssin varmuuskopiosta (.mbz).

Muuttumattomat aktiviteetit säilyttävät tunnisteensa ja suoritusmerkintänsä; muuttuneet saavat uuden sisällön;
uudet lisätään ja poistuneet poistetaan. Kurssille kirjautumisiin, rooleihin, ryhmiin ja käsin lisättyihin
aktiviteetteihin ei kosketa. Paketti palautetaan ensin piilotetulle välikurssille: vioittunut paketti ei muuta kurssia.

Valinnat:
--courseid=N     Päivitettävä kurssi (pakollinen)
--file=POLKU     partnerkitin tekemä kurssin varmuuskopio (pakollinen)
--dry-run        Näytä vain, mitä muuttuisi
-h, --help       Näytä tämä ohje

Esimerkki:
sudo -u www-data php admin/tool/partnerkit/cli/update_course.php --courseid=12 --file=/tmp/tyokalupakki.mbz --dry-run
';
$string['course'] = 'Päivitettävä kurssi';
$string['dryrun'] = 'Näytä ensin, mitä muuttuisi';
$string['dryrun_help'] = 'Luettele vain muutokset; kurssi pysyy ennallaan.';
$string['error_locked'] = 'Kurssin päivitys on jo käynnissä: yritä uudelleen, kun se on valmis.';
$string['error_nofile'] = 'Tiedostoa {$a} ei voi lukea.';
$string['error_notpartnerkitcourse'] = 'Kurssilla ei ole partnerkit-paketista palautettuja aktiviteetteja, joten mitään ei voi yhdistää: palauta paketti ensin uudeksi kurssiksi. Kurssia ei muutettu.';
$string['error_package'] = 'Paketti hylättiin eikä kurssia muutettu: {$a}';
$string['error_sitecourse'] = 'Sivuston etusivua ei voi päivittää tällä työkalulla.';
$string['intro'] = 'Päivitä partnerkitillä tehty kurssi uudesta kurssin varmuuskopiosta. Muuttumattomat aktiviteetit säilyttävät tunnisteensa ja suoritusmerkintänsä; kurssille kirjautumisiin, rooleihin, ryhmiin ja käsin lisättyihin aktiviteetteihin ei kosketa. Paketti tarkistetaan ensin piilotetulla välikurssilla: vioittunut paketti ei muuta mitään.';
$string['nochanges'] = 'Kurssi on jo ajan tasalla: ei muutettavaa.';
$string['package'] = 'partnerkitin tekemä kurssin varmuuskopio (.mbz)';
$string['pluginname'] = 'Partnerkit-kurssin päivitys';
$string['preview'] = 'Nämä muutokset tehtäisiin ({$a}):';
$string['privacy:metadata'] = 'Partnerkit-kurssin päivitys ei tallenna henkilötietoja.';
$string['sectionnumber'] = 'Osio {$a}';
$string['stagingcourse'] = 'Partnerkitin välikurssi (poistetaan automaattisesti)';

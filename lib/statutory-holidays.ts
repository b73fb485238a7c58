import { addCalendarDays, isWeekend } from './working-calendar.js';

/**
 * Kazakhstan's public holidays of a year as the Law on holidays names them, with the
 * rule-based transfers of the Labour Code: a holiday on a Saturday or Sunday moves its day
 * off to the next working day, except the religious ones (Orthodox Christmas, Kurban ait).
 * Kurban ait follows the lunar calendar and the Spiritual Administration's announcement, and
 * transfers by government decree (working Saturdays) are made each year: both are entered by
 * administrators (`addHoliday`). The calendar keeps the years ahead filled from this
 * (`subgraphs/access/calendar-filler.ts`); migration 0002 holds 2025–2027 from the same rules.
 */
export interface StatutoryDay {
  date: string;
  kind: 'PUBLIC_HOLIDAY' | 'TRANSFERRED_DAY_OFF';
  nameKk: string;
  nameRu: string;
}

const fixed: Array<{ monthDay: string; nameKk: string; nameRu: string; religious?: boolean; short?: [string, string] }> = [
  { monthDay: '01-01', nameKk: 'Жаңа жыл', nameRu: 'Новый год' },
  { monthDay: '01-02', nameKk: 'Жаңа жыл', nameRu: 'Новый год' },
  { monthDay: '01-07', nameKk: 'Православиелік Рождество', nameRu: 'Православное Рождество', religious: true },
  { monthDay: '03-08', nameKk: 'Халықаралық әйелдер күні', nameRu: 'Международный женский день', short: ['8 наурыз', '8 марта'] },
  { monthDay: '03-21', nameKk: 'Наурыз мейрамы', nameRu: 'Праздник Наурыз', short: ['Наурыз', 'Наурыз'] },
  { monthDay: '03-22', nameKk: 'Наурыз мейрамы', nameRu: 'Праздник Наурыз', short: ['Наурыз', 'Наурыз'] },
  { monthDay: '03-23', nameKk: 'Наурыз мейрамы', nameRu: 'Праздник Наурыз', short: ['Наурыз', 'Наурыз'] },
  {
    monthDay: '05-01',
    nameKk: 'Қазақстан халқының бірлігі мерекесі',
    nameRu: 'Праздник единства народа Казахстана',
    short: ['1 мамыр', '1 мая'],
  },
  {
    monthDay: '05-07',
    nameKk: 'Отан қорғаушы күні',
    nameRu: 'День защитника Отечества',
    short: ['Отан қорғаушы күні', 'День защитника Отечества'],
  },
  { monthDay: '05-09', nameKk: 'Жеңіс күні', nameRu: 'День Победы', short: ['Жеңіс күні', 'День Победы'] },
  { monthDay: '07-06', nameKk: 'Астана күні', nameRu: 'День столицы', short: ['Астана күні', 'День столицы'] },
  { monthDay: '08-30', nameKk: 'Конституция күні', nameRu: 'День Конституции', short: ['Конституция күні', 'День Конституции'] },
  { monthDay: '10-25', nameKk: 'Республика күні', nameRu: 'День Республики', short: ['Республика күні', 'День Республики'] },
  { monthDay: '12-16', nameKk: 'Тәуелсіздік күні', nameRu: 'День Независимости', short: ['Тәуелсіздік күні', 'День Независимости'] },
];

export function statutoryHolidays(year: number): StatutoryDay[] {
  const days: StatutoryDay[] = fixed.map((h) => ({
    date: `${year}-${h.monthDay}`,
    kind: 'PUBLIC_HOLIDAY',
    nameKk: h.nameKk,
    nameRu: h.nameRu,
  }));
  const taken = new Set(days.map((d) => d.date));
  for (const h of fixed) {
    const date = `${year}-${h.monthDay}`;
    if (h.religious || !isWeekend(date)) continue;
    let moved = addCalendarDays(date, 1);
    while (isWeekend(moved) || taken.has(moved)) moved = addCalendarDays(moved, 1);
    taken.add(moved);
    const [kk, ru] = h.short ?? [h.nameKk, h.nameRu];
    days.push({
      date: moved,
      kind: 'TRANSFERRED_DAY_OFF',
      nameKk: `Демалыс күнінің ауысуы (${kk})`,
      nameRu: `Перенос выходного дня (${ru})`,
    });
  }
  return days.sort((a, b) => a.date.localeCompare(b.date));
}

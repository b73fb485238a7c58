import type { Sex } from './identification-numbers.js';
import type { Random } from './random.js';

/*
 * Name stock for synthetic owners. Kazakh names written as in identity documents
 * (mostly Russian-style spelling, patronymics either "-ович/-овна" or "-ұлы/-қызы");
 * Russian, Ukrainian, Korean and German surnames for the rest of the population.
 */

const kazakhMale = [
  'Нурлан',
  'Ерлан',
  'Асхат',
  'Айдар',
  'Бауыржан',
  'Данияр',
  'Ерболат',
  'Жандос',
  'Канат',
  'Марат',
  'Нуржан',
  'Руслан',
  'Серик',
  'Талгат',
  'Тимур',
  'Ержан',
  'Азамат',
  'Арман',
  'Бекзат',
  'Дастан',
  'Ильяс',
  'Куаныш',
  'Мирас',
  'Олжас',
  'Рустем',
  'Самат',
  'Темирлан',
  'Алибек',
  'Абылай',
  'Ануар',
  'Бахытжан',
  'Дамир',
  'Ернар',
  'Жасулан',
  'Кайрат',
  'Мухтар',
  'Санжар',
  'Шынгыс',
  'Габит',
  'Максат',
];

const kazakhFemale = [
  'Айгерим',
  'Айжан',
  'Алия',
  'Асель',
  'Гульнара',
  'Динара',
  'Жанар',
  'Жулдыз',
  'Камила',
  'Лаура',
  'Мадина',
  'Назерке',
  'Сауле',
  'Томирис',
  'Улжан',
  'Айнур',
  'Аружан',
  'Балжан',
  'Гаухар',
  'Дана',
  'Жансая',
  'Индира',
  'Карлыгаш',
  'Меруерт',
  'Салтанат',
  'Асем',
  'Айдана',
  'Акмарал',
  'Гульмира',
  'Зарина',
];

/** Male forms; every one ends in -ов/-ев/-ин, so the female form adds "а". */
const kazakhSurnames = [
  'Ахметов',
  'Абдрахманов',
  'Байжанов',
  'Жумабаев',
  'Исмаилов',
  'Касымов',
  'Мухамеджанов',
  'Нурпеисов',
  'Омаров',
  'Сарсенбаев',
  'Садыков',
  'Тулегенов',
  'Утемисов',
  'Шайхин',
  'Ермеков',
  'Искаков',
  'Калиев',
  'Мусин',
  'Нуртазин',
  'Оспанов',
  'Серикбаев',
  'Темирбеков',
  'Жаксылыков',
  'Бекмуратов',
  'Алимжанов',
  'Айтбаев',
  'Кенжебаев',
  'Досмагамбетов',
  'Есенов',
  'Абенов',
  'Амангельдиев',
  'Бейсенов',
  'Габдуллин',
  'Дюсенов',
  'Жакупов',
  'Каримов',
  'Молдабеков',
  'Рахимов',
  'Смагулов',
  'Уалиев',
  'Хасенов',
  'Шарипов',
];

/** Russian male names with the patronymics formed from them. */
const russianMale: readonly (readonly [name: string, sonOf: string, daughterOf: string])[] = [
  ['Александр', 'Александрович', 'Александровна'],
  ['Сергей', 'Сергеевич', 'Сергеевна'],
  ['Дмитрий', 'Дмитриевич', 'Дмитриевна'],
  ['Андрей', 'Андреевич', 'Андреевна'],
  ['Алексей', 'Алексеевич', 'Алексеевна'],
  ['Владимир', 'Владимирович', 'Владимировна'],
  ['Евгений', 'Евгеньевич', 'Евгеньевна'],
  ['Игорь', 'Игоревич', 'Игоревна'],
  ['Николай', 'Николаевич', 'Николаевна'],
  ['Олег', 'Олегович', 'Олеговна'],
  ['Павел', 'Павлович', 'Павловна'],
  ['Виктор', 'Викторович', 'Викторовна'],
  ['Юрий', 'Юрьевич', 'Юрьевна'],
  ['Максим', 'Максимович', 'Максимовна'],
  ['Иван', 'Иванович', 'Ивановна'],
  ['Михаил', 'Михайлович', 'Михайловна'],
  ['Константин', 'Константинович', 'Константиновна'],
  ['Денис', 'Денисович', 'Денисовна'],
  ['Роман', 'Романович', 'Романовна'],
  ['Артём', 'Артёмович', 'Артёмовна'],
];

const russianFemale = [
  'Елена',
  'Ольга',
  'Татьяна',
  'Наталья',
  'Ирина',
  'Светлана',
  'Анна',
  'Мария',
  'Екатерина',
  'Юлия',
  'Людмила',
  'Галина',
  'Оксана',
  'Марина',
  'Валентина',
  'Анастасия',
  'Вера',
  'Надежда',
  'Любовь',
  'Дарья',
];

const otherSurnames = [
  'Иванов',
  'Петров',
  'Смирнов',
  'Кузнецов',
  'Попов',
  'Соколов',
  'Лебедев',
  'Козлов',
  'Новиков',
  'Морозов',
  'Волков',
  'Соловьёв',
  'Васильев',
  'Зайцев',
  'Павлов',
  'Семёнов',
  'Голубев',
  'Виноградов',
  'Богданов',
  'Фёдоров',
  'Михайлов',
  'Беляев',
  'Тарасов',
  'Белов',
  'Комаров',
  'Орлов',
  'Киселёв',
  'Макаров',
  'Андреев',
  'Ковалёв',
  'Ильин',
  'Никитин',
  'Захаров',
  'Сорокин',
  'Шевченко',
  'Бондаренко',
  'Ким',
  'Пак',
  'Цой',
  'Шмидт',
  'Вагнер',
  'Гончаренко',
];

export type NameStock = 'KAZAKH' | 'RUSSIAN';

export interface PersonName {
  sex: Sex;
  stock: NameStock;
  /** Male form of the surname, shared by a family. */
  surname: string;
  fullName: string;
}

/** Female form of a surname that declines by sex (-ов/-ев/-ин/-ын); others do not change. */
function feminineSurname(surname: string): string {
  return /(ов|ев|ёв|ин|ын)$/.test(surname) ? `${surname}а` : surname;
}

function kazakhPatronymic(random: Random, sex: Sex): string {
  const father = random.pick(kazakhMale);
  if (random.chance(0.25)) return sex === 'MALE' ? `${father}ұлы` : `${father}қызы`;
  const stem = father.endsWith('й') ? `${father.slice(0, -1)}ев` : `${father}ов`;
  return sex === 'MALE' ? `${stem}ич` : `${stem}на`;
}

/**
 * A full name "Surname Name Patronymic". `family` keeps the surname and the name stock
 * of a relative (co-owners of an apartment are usually spouses).
 */
export function personName(random: Random, sex: Sex, stock: NameStock, familySurname?: string): PersonName {
  if (stock === 'KAZAKH') {
    const surname = familySurname ?? random.pick(kazakhSurnames);
    const given = random.pick(sex === 'MALE' ? kazakhMale : kazakhFemale);
    const family = sex === 'MALE' ? surname : feminineSurname(surname);
    return { sex, stock, surname, fullName: `${family} ${given} ${kazakhPatronymic(random, sex)}` };
  }
  const surname = familySurname ?? random.pick(otherSurnames);
  const given = sex === 'MALE' ? random.pick(russianMale)[0] : random.pick(russianFemale);
  const father = random.pick(russianMale);
  const family = sex === 'MALE' ? surname : feminineSurname(surname);
  return { sex, stock, surname, fullName: `${family} ${given} ${sex === 'MALE' ? father[1] : father[2]}` };
}

const companyWords = [
  'Береке',
  'Алатау',
  'Сункар',
  'Нур',
  'Достык',
  'Жулдыз',
  'Азия',
  'Казына',
  'Ак Жол',
  'Байтерек',
  'Евразия',
  'Тумар',
  'Атамекен',
  'Кайнар',
  'Арман',
  'Шанырак',
  'Коктем',
  'Самал',
  'Орда',
  'Дала',
];
const companySuffixes = ['Сервис', 'Строй', 'Инвест', 'Трейд', 'Групп', 'Девелопмент', 'Плюс', 'Маркет', 'Фарм', 'Логистик'];

/** A private company's name, e.g. «ТОО «Береке Сервис»». */
export function companyName(random: Random): string {
  const form = random.weighted([
    ['ТОО', 0.9],
    ['АО', 0.1],
  ] as const);
  return `${form} «${random.pick(companyWords)} ${random.pick(companySuffixes)}»`;
}

//! Names: companies, people, phone numbers and valid, unique 统一社会信用代码.

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;

use crate::domain::{OrgSize, Uscc};

const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

pub(super) fn splitmix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// "91" + the city's code + 9 characters unique per (seed, serial) + the GB 32100 check character.
pub(super) fn uscc(city_code: &str, seed_tag: u64, serial: u64) -> String {
    // (seed, serial) → one number below 31^9, scattered by an affine bijection of that range
    // (the multiplier is prime to 31), so the codes look random and never repeat.
    const SPACE: u128 = 31u128.pow(9);
    let x = (seed_tag * 31u64.pow(5) + serial) as u128;
    let mut v = ((x * 9_176_536_577 + 4_611_686_003) % SPACE) as u64;
    let mut body = [b'0'; 9];
    for b in body.iter_mut().rev() {
        *b = USCC_ALPHABET[(v % 31) as usize];
        v /= 31;
    }
    let first17 = format!(
        "91{city_code}{}",
        std::str::from_utf8(&body).unwrap_or("000000000")
    );
    Uscc::with_check_char(&first17)
        .map(|u| u.as_str().to_string())
        .unwrap_or(first17)
}

/// 绵阳市 → 绵阳, 阿坝藏族羌族自治州 → 阿坝.
pub(super) fn short_city(name: &str) -> &str {
    if name.ends_with("自治州") {
        let end = name
            .char_indices()
            .nth(2)
            .map(|(i, _)| i)
            .unwrap_or(name.len());
        &name[..end]
    } else {
        name.strip_suffix('市').unwrap_or(name)
    }
}

pub(super) fn local_crop(park_name: &str) -> Option<&'static str> {
    ["柠檬", "猕猴桃", "荔枝", "石榴"]
        .into_iter()
        .find(|c| park_name.contains(c))
        .or_else(|| park_name.contains("种业").then_some("水稻种子"))
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任",
    "沈", "姚", "卢", "钟", "谭", "廖", "范", "汪", "雷", "熊", "向", "母",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "霞", "平", "刚", "建华", "志强", "晓东", "海燕", "小红", "春梅", "建国", "德明", "文静",
    "俊杰", "思远", "雨婷", "子豪", "浩然", "欣怡", "宇航", "佳琪", "国平", "红梅", "玉兰", "光荣",
    "永红", "晓燕", "建军", "世杰", "梦瑶", "天宇", "家豪", "丽萍", "秀英",
];

pub(super) fn person(rng: &mut StdRng) -> String {
    format!(
        "{}{}",
        SURNAMES.choose(rng).expect("surnames"),
        GIVEN.choose(rng).expect("given names")
    )
}

pub(super) fn mobile(rng: &mut StdRng) -> String {
    const PREFIXES: &[&str] = &[
        "138", "139", "135", "136", "137", "150", "151", "152", "158", "159", "182", "183", "187",
        "188", "177", "180", "181", "189", "133", "153", "199", "173",
    ];
    format!(
        "{}{:08}",
        PREFIXES.choose(rng).expect("prefixes"),
        rng.random_range(0..100_000_000u32)
    )
}

const BRAND_1: &[&str] = &[
    "华", "川", "蜀", "天", "瑞", "鑫", "恒", "宏", "金", "锦", "巴", "润", "嘉", "博", "永", "众",
    "立", "德", "海", "泰", "佳", "鼎", "明", "信", "盛", "昌", "隆", "安", "汇", "宇",
];
const BRAND_2: &[&str] = &[
    "丰", "能", "信", "诚", "达", "源", "通", "远", "石", "程", "山", "邦", "禾", "晟", "兴", "合",
    "泰", "和", "鑫", "图", "辰", "越", "航", "阳", "峰", "康", "利", "祥", "创", "联",
];

pub(super) fn sme_name(rng: &mut StdRng, city: &str, word: &str, size: OrgSize) -> String {
    let brand = format!(
        "{}{}",
        BRAND_1.choose(rng).expect("brand"),
        BRAND_2.choose(rng).expect("brand")
    );
    let form = if size == OrgSize::Medium && rng.random_bool(0.3) {
        "股份有限公司"
    } else {
        "有限公司"
    };
    match rng.random_range(0..10) {
        0..7 => format!("{city}{brand}{word}{form}"),
        7..9 => format!("四川{brand}{word}{form}"),
        _ => format!("四川{city}{brand}{word}{form}"),
    }
}

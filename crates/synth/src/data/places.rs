//! Real administrative divisions (GB/T 2260 six-digit codes), the bank's regions and street names.

/// A district or county-level division with its six-digit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct District {
    pub code: u32,
    /// Province, autonomous region or municipality (`北京市` for the municipalities).
    pub province: &'static str,
    /// Prefecture-level city (`北京市` again for the municipalities).
    pub city: &'static str,
    pub district: &'static str,
    pub city_en: &'static str,
    pub district_en: &'static str,
}

impl District {
    pub fn is_municipality(&self) -> bool {
        self.province == self.city
    }

    /// The city without its `市` suffix, e.g. `杭州`.
    pub fn city_short(&self) -> &'static str {
        self.city.strip_suffix('市').unwrap_or(self.city)
    }

    /// The district without its `区`/`市`/`县` suffix when that leaves at least two characters.
    pub fn district_short(&self) -> &'static str {
        for suffix in ['区', '市', '县'] {
            if let Some(s) = self.district.strip_suffix(suffix)
                && s.chars().count() >= 2
            {
                return s;
            }
        }
        self.district
    }
}

const fn d(
    code: u32,
    province: &'static str,
    city: &'static str,
    district: &'static str,
    city_en: &'static str,
    district_en: &'static str,
) -> District {
    District {
        code,
        province,
        city,
        district,
        city_en,
        district_en,
    }
}

/// 110 districts and county-level cities across 25 provinces, autonomous regions and municipalities.
pub const DISTRICTS: &[District] = &[
    d(110101, "北京市", "北京市", "东城区", "Beijing", "Dongcheng"),
    d(110102, "北京市", "北京市", "西城区", "Beijing", "Xicheng"),
    d(110105, "北京市", "北京市", "朝阳区", "Beijing", "Chaoyang"),
    d(110106, "北京市", "北京市", "丰台区", "Beijing", "Fengtai"),
    d(
        110107,
        "北京市",
        "北京市",
        "石景山区",
        "Beijing",
        "Shijingshan",
    ),
    d(110108, "北京市", "北京市", "海淀区", "Beijing", "Haidian"),
    d(110112, "北京市", "北京市", "通州区", "Beijing", "Tongzhou"),
    d(110114, "北京市", "北京市", "昌平区", "Beijing", "Changping"),
    d(120101, "天津市", "天津市", "和平区", "Tianjin", "Heping"),
    d(120103, "天津市", "天津市", "河西区", "Tianjin", "Hexi"),
    d(120104, "天津市", "天津市", "南开区", "Tianjin", "Nankai"),
    d(120116, "天津市", "天津市", "滨海新区", "Tianjin", "Binhai"),
    d(
        130102,
        "河北省",
        "石家庄市",
        "长安区",
        "Shijiazhuang",
        "Chang'an",
    ),
    d(
        130104,
        "河北省",
        "石家庄市",
        "桥西区",
        "Shijiazhuang",
        "Qiaoxi",
    ),
    d(130202, "河北省", "唐山市", "路南区", "Tangshan", "Lunan"),
    d(130602, "河北省", "保定市", "竞秀区", "Baoding", "Jingxiu"),
    d(140105, "山西省", "太原市", "小店区", "Taiyuan", "Xiaodian"),
    d(140106, "山西省", "太原市", "迎泽区", "Taiyuan", "Yingze"),
    d(
        150102,
        "内蒙古自治区",
        "呼和浩特市",
        "新城区",
        "Hohhot",
        "Xincheng",
    ),
    d(210102, "辽宁省", "沈阳市", "和平区", "Shenyang", "Heping"),
    d(210103, "辽宁省", "沈阳市", "沈河区", "Shenyang", "Shenhe"),
    d(210202, "辽宁省", "大连市", "中山区", "Dalian", "Zhongshan"),
    d(210204, "辽宁省", "大连市", "沙河口区", "Dalian", "Shahekou"),
    d(220102, "吉林省", "长春市", "南关区", "Changchun", "Nanguan"),
    d(
        220104,
        "吉林省",
        "长春市",
        "朝阳区",
        "Changchun",
        "Chaoyang",
    ),
    d(230102, "黑龙江省", "哈尔滨市", "道里区", "Harbin", "Daoli"),
    d(
        230103,
        "黑龙江省",
        "哈尔滨市",
        "南岗区",
        "Harbin",
        "Nangang",
    ),
    d(310101, "上海市", "上海市", "黄浦区", "Shanghai", "Huangpu"),
    d(310104, "上海市", "上海市", "徐汇区", "Shanghai", "Xuhui"),
    d(
        310105,
        "上海市",
        "上海市",
        "长宁区",
        "Shanghai",
        "Changning",
    ),
    d(310106, "上海市", "上海市", "静安区", "Shanghai", "Jing'an"),
    d(310107, "上海市", "上海市", "普陀区", "Shanghai", "Putuo"),
    d(310110, "上海市", "上海市", "杨浦区", "Shanghai", "Yangpu"),
    d(310112, "上海市", "上海市", "闵行区", "Shanghai", "Minhang"),
    d(310115, "上海市", "上海市", "浦东新区", "Shanghai", "Pudong"),
    d(320102, "江苏省", "南京市", "玄武区", "Nanjing", "Xuanwu"),
    d(320104, "江苏省", "南京市", "秦淮区", "Nanjing", "Qinhuai"),
    d(320105, "江苏省", "南京市", "建邺区", "Nanjing", "Jianye"),
    d(320106, "江苏省", "南京市", "鼓楼区", "Nanjing", "Gulou"),
    d(320211, "江苏省", "无锡市", "滨湖区", "Wuxi", "Binhu"),
    d(320213, "江苏省", "无锡市", "梁溪区", "Wuxi", "Liangxi"),
    d(320505, "江苏省", "苏州市", "虎丘区", "Suzhou", "Huqiu"),
    d(320506, "江苏省", "苏州市", "吴中区", "Suzhou", "Wuzhong"),
    d(320508, "江苏省", "苏州市", "姑苏区", "Suzhou", "Gusu"),
    d(320583, "江苏省", "苏州市", "昆山市", "Suzhou", "Kunshan"),
    d(
        330102,
        "浙江省",
        "杭州市",
        "上城区",
        "Hangzhou",
        "Shangcheng",
    ),
    d(330105, "浙江省", "杭州市", "拱墅区", "Hangzhou", "Gongshu"),
    d(330106, "浙江省", "杭州市", "西湖区", "Hangzhou", "Xihu"),
    d(330108, "浙江省", "杭州市", "滨江区", "Hangzhou", "Binjiang"),
    d(330110, "浙江省", "杭州市", "余杭区", "Hangzhou", "Yuhang"),
    d(330203, "浙江省", "宁波市", "海曙区", "Ningbo", "Haishu"),
    d(330212, "浙江省", "宁波市", "鄞州区", "Ningbo", "Yinzhou"),
    d(330302, "浙江省", "温州市", "鹿城区", "Wenzhou", "Lucheng"),
    d(330602, "浙江省", "绍兴市", "越城区", "Shaoxing", "Yuecheng"),
    d(330782, "浙江省", "金华市", "义乌市", "Jinhua", "Yiwu"),
    d(340102, "安徽省", "合肥市", "瑶海区", "Hefei", "Yaohai"),
    d(340104, "安徽省", "合肥市", "蜀山区", "Hefei", "Shushan"),
    d(350102, "福建省", "福州市", "鼓楼区", "Fuzhou", "Gulou"),
    d(350103, "福建省", "福州市", "台江区", "Fuzhou", "Taijiang"),
    d(350203, "福建省", "厦门市", "思明区", "Xiamen", "Siming"),
    d(350206, "福建省", "厦门市", "湖里区", "Xiamen", "Huli"),
    d(360102, "江西省", "南昌市", "东湖区", "Nanchang", "Donghu"),
    d(360103, "江西省", "南昌市", "西湖区", "Nanchang", "Xihu"),
    d(370102, "山东省", "济南市", "历下区", "Jinan", "Lixia"),
    d(370103, "山东省", "济南市", "市中区", "Jinan", "Shizhong"),
    d(370202, "山东省", "青岛市", "市南区", "Qingdao", "Shinan"),
    d(370203, "山东省", "青岛市", "市北区", "Qingdao", "Shibei"),
    d(370212, "山东省", "青岛市", "崂山区", "Qingdao", "Laoshan"),
    d(
        410102,
        "河南省",
        "郑州市",
        "中原区",
        "Zhengzhou",
        "Zhongyuan",
    ),
    d(410105, "河南省", "郑州市", "金水区", "Zhengzhou", "Jinshui"),
    d(420102, "湖北省", "武汉市", "江岸区", "Wuhan", "Jiang'an"),
    d(420106, "湖北省", "武汉市", "武昌区", "Wuhan", "Wuchang"),
    d(420111, "湖北省", "武汉市", "洪山区", "Wuhan", "Hongshan"),
    d(430102, "湖南省", "长沙市", "芙蓉区", "Changsha", "Furong"),
    d(430104, "湖南省", "长沙市", "岳麓区", "Changsha", "Yuelu"),
    d(440103, "广东省", "广州市", "荔湾区", "Guangzhou", "Liwan"),
    d(440104, "广东省", "广州市", "越秀区", "Guangzhou", "Yuexiu"),
    d(440105, "广东省", "广州市", "海珠区", "Guangzhou", "Haizhu"),
    d(440106, "广东省", "广州市", "天河区", "Guangzhou", "Tianhe"),
    d(440111, "广东省", "广州市", "白云区", "Guangzhou", "Baiyun"),
    d(440303, "广东省", "深圳市", "罗湖区", "Shenzhen", "Luohu"),
    d(440304, "广东省", "深圳市", "福田区", "Shenzhen", "Futian"),
    d(440305, "广东省", "深圳市", "南山区", "Shenzhen", "Nanshan"),
    d(440306, "广东省", "深圳市", "宝安区", "Shenzhen", "Bao'an"),
    d(440307, "广东省", "深圳市", "龙岗区", "Shenzhen", "Longgang"),
    d(440604, "广东省", "佛山市", "禅城区", "Foshan", "Chancheng"),
    d(440606, "广东省", "佛山市", "顺德区", "Foshan", "Shunde"),
    d(
        450102,
        "广西壮族自治区",
        "南宁市",
        "兴宁区",
        "Nanning",
        "Xingning",
    ),
    d(
        450103,
        "广西壮族自治区",
        "南宁市",
        "青秀区",
        "Nanning",
        "Qingxiu",
    ),
    d(460105, "海南省", "海口市", "秀英区", "Haikou", "Xiuying"),
    d(460106, "海南省", "海口市", "龙华区", "Haikou", "Longhua"),
    d(500103, "重庆市", "重庆市", "渝中区", "Chongqing", "Yuzhong"),
    d(
        500105,
        "重庆市",
        "重庆市",
        "江北区",
        "Chongqing",
        "Jiangbei",
    ),
    d(
        500106,
        "重庆市",
        "重庆市",
        "沙坪坝区",
        "Chongqing",
        "Shapingba",
    ),
    d(500108, "重庆市", "重庆市", "南岸区", "Chongqing", "Nan'an"),
    d(510104, "四川省", "成都市", "锦江区", "Chengdu", "Jinjiang"),
    d(510105, "四川省", "成都市", "青羊区", "Chengdu", "Qingyang"),
    d(510106, "四川省", "成都市", "金牛区", "Chengdu", "Jinniu"),
    d(510107, "四川省", "成都市", "武侯区", "Chengdu", "Wuhou"),
    d(510108, "四川省", "成都市", "成华区", "Chengdu", "Chenghua"),
    d(510116, "四川省", "成都市", "双流区", "Chengdu", "Shuangliu"),
    d(520102, "贵州省", "贵阳市", "南明区", "Guiyang", "Nanming"),
    d(520103, "贵州省", "贵阳市", "云岩区", "Guiyang", "Yunyan"),
    d(530102, "云南省", "昆明市", "五华区", "Kunming", "Wuhua"),
    d(530103, "云南省", "昆明市", "盘龙区", "Kunming", "Panlong"),
    d(610102, "陕西省", "西安市", "新城区", "Xi'an", "Xincheng"),
    d(610103, "陕西省", "西安市", "碑林区", "Xi'an", "Beilin"),
    d(610113, "陕西省", "西安市", "雁塔区", "Xi'an", "Yanta"),
    d(620102, "甘肃省", "兰州市", "城关区", "Lanzhou", "Chengguan"),
    d(
        650102,
        "新疆维吾尔自治区",
        "乌鲁木齐市",
        "天山区",
        "Urumqi",
        "Tianshan",
    ),
];

/// A regional branch (分行) of the bank and the cities it serves.
pub struct Region {
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub cities: &'static [&'static str],
}

/// Regions in the order the bank opens them as it grows.
pub const REGIONS: &[Region] = &[
    Region {
        name_zh: "北京分行",
        name_en: "Beijing",
        cities: &["北京市"],
    },
    Region {
        name_zh: "上海分行",
        name_en: "Shanghai",
        cities: &["上海市"],
    },
    Region {
        name_zh: "浙江分行",
        name_en: "Zhejiang",
        cities: &["杭州市", "宁波市", "温州市", "绍兴市", "金华市"],
    },
    Region {
        name_zh: "广东分行",
        name_en: "Guangdong",
        cities: &["广州市", "佛山市"],
    },
    Region {
        name_zh: "四川分行",
        name_en: "Sichuan",
        cities: &["成都市"],
    },
    Region {
        name_zh: "深圳分行",
        name_en: "Shenzhen",
        cities: &["深圳市"],
    },
    Region {
        name_zh: "江苏分行",
        name_en: "Jiangsu",
        cities: &["南京市", "苏州市", "无锡市"],
    },
    Region {
        name_zh: "湖北分行",
        name_en: "Hubei",
        cities: &["武汉市"],
    },
    Region {
        name_zh: "山东分行",
        name_en: "Shandong",
        cities: &["济南市", "青岛市"],
    },
    Region {
        name_zh: "福建分行",
        name_en: "Fujian",
        cities: &["福州市", "厦门市"],
    },
    Region {
        name_zh: "天津分行",
        name_en: "Tianjin",
        cities: &["天津市"],
    },
    Region {
        name_zh: "重庆分行",
        name_en: "Chongqing",
        cities: &["重庆市"],
    },
    Region {
        name_zh: "陕西分行",
        name_en: "Shaanxi",
        cities: &["西安市"],
    },
    Region {
        name_zh: "河南分行",
        name_en: "Henan",
        cities: &["郑州市"],
    },
    Region {
        name_zh: "湖南分行",
        name_en: "Hunan",
        cities: &["长沙市"],
    },
];

/// Street names common to most Chinese cities, with their English renderings.
pub const ROADS: &[(&str, &str)] = &[
    ("人民路", "Renmin Road"),
    ("中山路", "Zhongshan Road"),
    ("解放路", "Jiefang Road"),
    ("建设路", "Jianshe Road"),
    ("和平路", "Heping Road"),
    ("文化路", "Wenhua Road"),
    ("新华路", "Xinhua Road"),
    ("长江路", "Changjiang Road"),
    ("黄河路", "Huanghe Road"),
    ("胜利路", "Shengli Road"),
    ("青年路", "Qingnian Road"),
    ("光明路", "Guangming Road"),
    ("友谊路", "Youyi Road"),
    ("东风路", "Dongfeng Road"),
    ("朝阳路", "Chaoyang Road"),
    ("滨江路", "Binjiang Road"),
    ("学府路", "Xuefu Road"),
    ("科技路", "Keji Road"),
    ("工业路", "Gongye Road"),
    ("幸福路", "Xingfu Road"),
    ("金融街", "Jinrong Street"),
    ("商业街", "Shangye Street"),
    ("湖滨路", "Hubin Road"),
    ("体育路", "Tiyu Road"),
    ("公园路", "Gongyuan Road"),
    ("环城东路", "Huancheng East Road"),
    ("环城西路", "Huancheng West Road"),
    ("北京路", "Beijing Road"),
    ("南京路", "Nanjing Road"),
    ("延安路", "Yan'an Road"),
    ("世纪大道", "Shiji Avenue"),
    ("建国路", "Jianguo Road"),
];

/// The districts of `city`, in table order.
pub fn districts_of(city: &str) -> Vec<&'static District> {
    DISTRICTS.iter().filter(|d| d.city == city).collect()
}

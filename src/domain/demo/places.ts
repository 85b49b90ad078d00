// Demo geography: Bắc Kạn's eight district-level units before 1 July 2025 and communes in each.
// The post-2025 mapping (province merged into Thái Nguyên, districts abolished) groups neighbouring
// communes into one new commune; the grouping here is illustrative demo data, not the official list.
export const PROVINCE = { code: 'BK', name: 'Tỉnh Bắc Kạn', newProvinceName: 'Tỉnh Thái Nguyên' };

export const DISTRICTS: { code: string; name: string; communes: string[] }[] = [
  { code: 'TPBK', name: 'Thành phố Bắc Kạn', communes: ['Phường Đức Xuân', 'Phường Nguyễn Thị Minh Khai', 'Phường Sông Cầu', 'Phường Phùng Chí Kiên', 'Phường Huyền Tụng', 'Phường Xuất Hóa', 'Xã Dương Quang', 'Xã Nông Thượng'] },
  { code: 'BB', name: 'Huyện Ba Bể', communes: ['Thị trấn Chợ Rã', 'Xã Nam Mẫu', 'Xã Khang Ninh', 'Xã Cao Thượng', 'Xã Hà Hiệu', 'Xã Phúc Lộc', 'Xã Bành Trạch', 'Xã Thượng Giáo', 'Xã Địa Linh', 'Xã Yến Dương', 'Xã Quảng Khê', 'Xã Mỹ Phương', 'Xã Chu Hương', 'Xã Hoàng Trĩ', 'Xã Đồng Phúc'] },
  { code: 'BT', name: 'Huyện Bạch Thông', communes: ['Thị trấn Phủ Thông', 'Xã Cẩm Giàng', 'Xã Quân Hà', 'Xã Nguyên Phúc', 'Xã Lục Bình', 'Xã Tân Tú', 'Xã Vi Hương', 'Xã Đôn Phong', 'Xã Dương Phong', 'Xã Quang Thuận', 'Xã Mỹ Thanh', 'Xã Sỹ Bình', 'Xã Vũ Muộn', 'Xã Cao Sơn'] },
  { code: 'CD', name: 'Huyện Chợ Đồn', communes: ['Thị trấn Bằng Lũng', 'Xã Bản Thi', 'Xã Bằng Lãng', 'Xã Đại Sảo', 'Xã Đồng Thắng', 'Xã Lương Bằng', 'Xã Nam Cường', 'Xã Nghĩa Tá', 'Xã Ngọc Phái', 'Xã Phương Viên', 'Xã Quảng Bạch', 'Xã Xuân Lạc', 'Xã Yên Mỹ', 'Xã Yên Phong', 'Xã Yên Thịnh', 'Xã Yên Thượng', 'Xã Bình Trung'] },
  { code: 'CM', name: 'Huyện Chợ Mới', communes: ['Thị trấn Đồng Tâm', 'Xã Yên Đĩnh', 'Xã Như Cố', 'Xã Bình Văn', 'Xã Cao Kỳ', 'Xã Hòa Mục', 'Xã Mai Lạp', 'Xã Nông Hạ', 'Xã Quảng Chu', 'Xã Tân Sơn', 'Xã Thanh Mai', 'Xã Thanh Thịnh', 'Xã Thanh Vận', 'Xã Yên Cư', 'Xã Yên Hân'] },
  { code: 'NR', name: 'Huyện Na Rì', communes: ['Thị trấn Yến Lạc', 'Xã Côn Minh', 'Xã Cư Lễ', 'Xã Cường Lợi', 'Xã Đổng Xá', 'Xã Dương Sơn', 'Xã Kim Hỷ', 'Xã Kim Lư', 'Xã Liêm Thủy', 'Xã Lương Thượng', 'Xã Quang Phong', 'Xã Sơn Thành', 'Xã Trần Phú', 'Xã Văn Lang', 'Xã Văn Minh', 'Xã Xuân Dương', 'Xã Lạng San', 'Xã Hảo Nghĩa'] },
  { code: 'NS', name: 'Huyện Ngân Sơn', communes: ['Thị trấn Nà Phặc', 'Xã Bằng Vân', 'Xã Cốc Đán', 'Xã Đức Vân', 'Xã Hiệp Lực', 'Xã Thuần Mang', 'Xã Thượng Ân', 'Xã Thượng Quan', 'Xã Trung Hòa', 'Xã Vân Tùng'] },
  { code: 'PN', name: 'Huyện Pác Nặm', communes: ['Xã Bộc Bố', 'Xã An Thắng', 'Xã Bằng Thành', 'Xã Cao Tân', 'Xã Cổ Linh', 'Xã Công Bằng', 'Xã Giáo Hiệu', 'Xã Nghiên Loan', 'Xã Nhạn Môn', 'Xã Xuân La'] },
];

// Family and given names plausible for the province's Tày, Nùng, Dao, Mông and Kinh households.
export const NAMES = {
  tay: { family: ['Hoàng', 'Nông', 'Ma', 'Hà', 'Lường', 'Lộc', 'Đinh', 'Triệu'], male: ['Văn Sinh', 'Văn Thắng', 'Văn Pảo', 'Văn Khang', 'Đức Tiến', 'Văn Lả'], female: ['Thị Mai', 'Thị Lan', 'Thị Nhung', 'Thị Hoa', 'Thị Phấn', 'Thị Dịu'] },
  nung: { family: ['Hoàng', 'Lương', 'Mông', 'Lục', 'Nông', 'Chu'], male: ['Văn Slam', 'Văn Pình', 'Văn Tiến', 'Văn Chản', 'Văn Khìn'], female: ['Thị Slao', 'Thị Mến', 'Thị Hương', 'Thị Cúc'] },
  dao: { family: ['Triệu', 'Bàn', 'Đặng', 'Lý', 'Phùng'], male: ['Văn Kiểm', 'Văn Chàn', 'Văn Siểu', 'Tòn Xuân', 'Văn Quẩy'], female: ['Thị Mẩy', 'Thị Nhất', 'Thị Chài', 'Thị Mùi'] },
  mong: { family: ['Giàng', 'Vàng', 'Sùng', 'Lý', 'Thào', 'Mùa', 'Ly'], male: ['A Páo', 'Seo Chứ', 'A Lử', 'A Chư', 'A Sinh', 'Seo Dìn'], female: ['Thị Dợ', 'Thị Mỷ', 'Thị Súa', 'Thị Pằng'] },
  kinh: { family: ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Vũ', 'Đỗ', 'Bùi', 'Đặng'], male: ['Văn Hùng', 'Minh Tuấn', 'Quốc Bảo', 'Văn Nam', 'Đức Anh', 'Hữu Phúc'], female: ['Thị Hằng', 'Thu Trang', 'Thị Hạnh', 'Ngọc Anh', 'Thị Thu', 'Minh Châu'] },
};

export const VILLAGES = ['Nà Khoang', 'Bản Cám', 'Pác Ngòi', 'Khuổi Luông', 'Nà Hai', 'Cốc Tộc', 'Bó Lù', 'Nà Mằm', 'Khuổi Slưn', 'Phja Khao', 'Nà Pài', 'Bản Chang'];

export const BUSINESS_PARTS = {
  kind: ['Công ty TNHH', 'Công ty Cổ phần', 'Doanh nghiệp tư nhân', 'Hợp tác xã'],
  trade: ['Xây dựng', 'Vật liệu', 'Thương mại', 'Lâm sản', 'Khoáng sản', 'Vận tải', 'Nông sản', 'Du lịch'],
  brand: ['Hoàng Long', 'Ba Bể Xanh', 'Sông Cầu', 'Phú Thông', 'Đồng Tâm', 'Kim Hỷ', 'Nam Cường', 'Bắc Sơn', 'Tân Phát', 'Minh Khai', 'An Phúc', 'Thái Bình Dương'],
};

export const BIG_DONORS = [
  'Ngân hàng TMCP Ngoại thương Việt Nam', 'Ngân hàng Nông nghiệp và Phát triển Nông thôn', 'Tập đoàn Điện lực Việt Nam',
  'Tập đoàn Viễn thông Quân đội', 'Tổng công ty Khoáng sản TKV', 'Hội doanh nhân trẻ tỉnh', 'Báo Bắc Kạn',
];

// Who sends people to build, with the kind of unit the six-monthly report counts them under.
export const LABOUR_GROUPS = [
  { name: 'Bộ Chỉ huy Quân sự tỉnh', unit: 'army' }, { name: 'Ban Chỉ huy Quân sự huyện', unit: 'army' }, { name: 'Đồn Biên phòng', unit: 'army' },
  { name: 'Đoàn Thanh niên xã', unit: 'youth_union' }, { name: 'Tỉnh đoàn Bắc Kạn', unit: 'youth_union' },
  { name: 'Hội Liên hiệp Phụ nữ xã', unit: 'womens_union' }, { name: 'Hội Cựu chiến binh xã', unit: 'other' }, { name: 'Bà con thôn bản', unit: 'neighbours' },
  { name: 'Công an huyện', unit: 'other' },
] as const;

export const IN_KIND_ITEMS = [
  { name: 'Xi măng', unit: 'tấn', unitValueVnd: 1_600_000, min: 2, max: 8 },
  { name: 'Tôn lợp mái', unit: 'm²', unitValueVnd: 95_000, min: 40, max: 120 },
  { name: 'Thép xây dựng', unit: 'kg', unitValueVnd: 16_000, min: 200, max: 800 },
  { name: 'Gạch xây', unit: 'viên', unitValueVnd: 1_500, min: 2_000, max: 6_000 },
  { name: 'Cát xây dựng', unit: 'm³', unitValueVnd: 350_000, min: 5, max: 15 },
];
